import { describe, expect, it } from 'vitest';
import { FULL_EVERY_MS, chooseSyncMode, newestFull } from '../../../electron/core/destinations/mirror/top-up.js';
import type { PointSummary } from '../../../electron/core/destinations/record/point-summary.js';

const DAY = 86_400_000;
const now = Date.parse('2026-06-15T12:00:00Z');
function point(id: string, daysAgo: number, o: Partial<PointSummary> = {}): PointSummary {
  return { id, startedAt: new Date(now - daysAgo * DAY).toISOString(), outcome: 'ok', totals: { files: 10_000, dirs: 1, links: 0, others: 0, bytes: 1 }, ...o } as PointSummary;
}
const input = (points: PointSummary[], o: Partial<Parameters<typeof chooseSyncMode>[0]> = {}) => ({
  base: points.at(-1) ?? null,
  lastComplete: [...points].reverse().find((p) => p.outcome !== 'partial') ?? null,
  points,
  interrupted: 0,
  fullAsked: false,
  now,
  changedFiles: 100,
  ...o,
});

describe('when a mirror run tops up and when it lists everything', () => {
  it('tops up after a complete point while the last full run is less than a week old', () => {
    const points = [point('a', 3), point('b', 1, { sync: 'top-up' })];
    expect(chooseSyncMode(input(points))).toMatchObject({ mode: 'top-up', reconcile: false });
  });

  it('runs full the first time, when asked, after an incomplete or interrupted run, weekly, and when much changed', () => {
    expect(chooseSyncMode(input([])).mode).toBe('full');
    const ok = [point('a', 3), point('b', 1, { sync: 'top-up' })];
    expect(chooseSyncMode(input(ok, { fullAsked: true }))).toMatchObject({ mode: 'full', reconcile: true });
    expect(chooseSyncMode(input([point('a', 3), point('b', 1, { sync: 'top-up', outcome: 'partial' })])).mode).toBe('full');
    expect(chooseSyncMode(input(ok, { interrupted: 1 })).mode).toBe('full');
    const old = [point('a', 8), point('b', 1, { sync: 'top-up' })];
    expect(chooseSyncMode(input(old))).toMatchObject({ mode: 'full', reconcile: true });
    expect(chooseSyncMode(input(ok, { changedFiles: 1_001 }))).toMatchObject({ mode: 'full', reconcile: false });
    // Small libraries may top up a hundred changes whatever their share.
    const small = [point('a', 3, { totals: { files: 50, dirs: 1, links: 0, others: 0, bytes: 1 } })];
    expect(chooseSyncMode(input(small, { changedFiles: 40 })).mode).toBe('top-up');
  });

  it('counts points from before top-ups existed as full runs', () => {
    const points = [point('a', 10), point('b', 2), point('c', 1, { sync: 'top-up' })];
    expect(newestFull(points)?.id).toBe('b');
    expect(FULL_EVERY_MS).toBe(7 * DAY);
  });
});

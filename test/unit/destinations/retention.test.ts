import { describe, expect, it } from 'vitest';
import { isoWeek, selectRetention, type RetentionCandidate } from '../../../electron/core/destinations/retention.js';
import { snapshotIdFor } from '../../../electron/core/destinations/point-ids.js';

// Two simulated years: a snapshot every day at 03:00 UTC, a second one at 15:00 every Saturday,
// a week-long gap (machine off) in the middle, and a partial run now and then.
function twoYears(): RetentionCandidate[] {
  const out: RetentionCandidate[] = [];
  const start = Date.UTC(2024, 10, 23, 3, 0, 0);
  for (let day = 0; day < 730; day++) {
    if (day >= 400 && day < 407) continue;
    const t = new Date(start + day * 86_400_000);
    out.push({ id: snapshotIdFor(t), time: t, complete: day % 97 !== 5 });
    if (t.getUTCDay() === 6) {
      const t2 = new Date(t.getTime() + 12 * 3600_000);
      out.push({ id: snapshotIdFor(t2), time: t2, complete: true });
    }
  }
  return out;
}

describe('retention selection', () => {
  const all = twoYears();
  const byId = new Map(all.map((c) => [c.id, c]));
  const policy = { keepDaily: 14, keepWeekly: 8, keepMonthly: 12 };
  const result = selectRetention(all, policy);
  const kept = result.keep.map((k) => byId.get(k.id)!);

  it('partitions every candidate into keep or remove', () => {
    expect(result.keep.length + result.remove.length).toBe(all.length);
    expect(new Set([...result.keep.map((k) => k.id), ...result.remove]).size).toBe(all.length);
  });

  it('keeps the newest complete snapshot of each of the last 14 days with snapshots', () => {
    const daily = result.keep.filter((k) => k.reasons.includes('daily')).map((k) => byId.get(k.id)!);
    expect(daily.length).toBe(14);
    const days = new Set(daily.map((c) => c.time.toISOString().slice(0, 10)));
    expect(days.size).toBe(14);
    for (const c of daily) {
      const sameDay = all.filter((o) => o.complete && o.time.toISOString().slice(0, 10) === c.time.toISOString().slice(0, 10));
      expect(Math.max(...sameDay.map((o) => o.time.getTime()))).toBe(c.time.getTime());
    }
  });

  it('keeps one per ISO week for 8 weeks and one per month for 12 months, newest of each', () => {
    const weekly = result.keep.filter((k) => k.reasons.includes('weekly')).map((k) => byId.get(k.id)!);
    const monthly = result.keep.filter((k) => k.reasons.includes('monthly')).map((k) => byId.get(k.id)!);
    expect(new Set(weekly.map((c) => isoWeek(c.time))).size).toBe(8);
    expect(weekly.length).toBe(8);
    expect(new Set(monthly.map((c) => c.time.toISOString().slice(0, 7))).size).toBe(12);
    expect(monthly.length).toBe(12);
    // The oldest monthly keeper is about a year old, not two.
    const oldest = Math.min(...kept.map((c) => c.time.getTime()));
    const newest = Math.max(...all.map((c) => c.time.getTime()));
    expect((newest - oldest) / 86_400_000).toBeGreaterThan(300);
    expect((newest - oldest) / 86_400_000).toBeLessThan(370);
    expect(result.keep.length).toBeLessThanOrEqual(14 + 8 + 12);
    expect(result.remove.length).toBeGreaterThan(700);
  });

  it('never removes the newest complete snapshot, even with a policy that keeps nothing else', () => {
    const onlyPartialNewest = [...all, { id: 'zz-partial', time: new Date(Date.UTC(2030, 0, 1)), complete: false }];
    const r = selectRetention(onlyPartialNewest, { keepMonthly: 0, keepLast: 0, keepDaily: 0, keepWeekly: 1 });
    const newestComplete = [...all].filter((c) => c.complete).sort((a, b) => b.time.getTime() - a.time.getTime())[0]!;
    expect(r.keep.find((k) => k.id === newestComplete.id)?.reasons).toContain('newest-complete');
    expect(r.remove).toContain('zz-partial');
  });

  it('keeps snapshots being restored from', () => {
    const old = all[3]!;
    const r = selectRetention(all, policy, { protectedIds: new Set([old.id]) });
    expect(r.keep.find((k) => k.id === old.id)?.reasons).toEqual(['protected']);
    expect(r.remove).not.toContain(old.id);
  });

  it('keep-last counts partial snapshots too; no policy at all keeps everything', () => {
    const r = selectRetention(all, { keepLast: 3 });
    expect(r.keep.length).toBe(3);
    expect(selectRetention(all, {}).remove).toEqual([]);
  });

  it('buckets by the user local day when given an offset', () => {
    // 23:30 UTC on two evenings is the next morning in UTC+2: those are two different local days.
    const a = { id: 'a', time: new Date(Date.UTC(2026, 0, 1, 21, 0)), complete: true };
    const b = { id: 'b', time: new Date(Date.UTC(2026, 0, 1, 23, 30)), complete: true };
    expect(selectRetention([a, b], { keepDaily: 5 }).keep.map((k) => k.id)).toEqual(['b']);
    expect(selectRetention([a, b], { keepDaily: 5 }, { utcOffsetMinutes: 120 }).keep.map((k) => k.id)).toEqual(['b', 'a']);
  });

  it('computes ISO weeks across year boundaries', () => {
    expect(isoWeek(new Date(Date.UTC(2026, 0, 1)))).toBe('2026-W01');
    expect(isoWeek(new Date(Date.UTC(2027, 0, 1)))).toBe('2026-W53');
    expect(isoWeek(new Date(Date.UTC(2024, 11, 30)))).toBe('2025-W01');
  });
});

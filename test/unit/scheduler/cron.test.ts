import { describe, expect, it } from 'vitest';
import { CRON_PRESETS, checkCron, countRunTimes, describeCron, nextRunTimes } from '../../../shared/schedule.js';

const iso = (ms: number[]) => ms.map((m) => new Date(m).toISOString());

describe('checkCron', () => {
  it.each([
    ['0 3 * * *', 'Every day at 03:00'],
    ['  0   4 * * 0 ', 'Every Sunday at 04:00'],
    ['15 14 1 * *', 'At 14:15, on day 1 of the month'],
    ['*/15 * * * 1-5', 'Every 15 minutes, Monday through Friday'],
  ])('accepts %j and describes it as %j', (expr, description) => {
    const res = checkCron(expr);
    expect(res).toMatchObject({ ok: true, description });
  });

  it.each([
    ['', /empty/],
    ['* * *', /3 fields; a schedule needs exactly five/],
    ['0 0 3 * * *', /6 fields/],
    ['61 * * * *', /"61 \* \* \* \*" is not a valid schedule: .*minute/i],
    ['0 25 * * *', /hour/i],
    ['0 3 * * mo', /not a valid schedule/],
    ['0 0 31 2 *', /never runs/],
  ])('rejects %j with a clear message', (expr, message) => {
    const res = checkCron(expr);
    expect(res.ok).toBe(false);
    if (!res.ok) {
      expect(res.error.kind).toBe('invalid-cron');
      expect(res.error.message).toMatch(message);
      expect(res.error.hint).toContain('0 3 * * *');
    }
  });

  it('offers presets that are all valid and self-described', () => {
    for (const p of CRON_PRESETS) {
      expect(checkCron(p.expression)).toMatchObject({ ok: true, description: p.label });
    }
    expect(describeCron('0 3 * * *')).toBe('Every day at 03:00');
  });
});

describe('nextRunTimes', () => {
  it('lists the next three runs in the job time zone', () => {
    const from = Date.parse('2026-01-10T12:00:00Z');
    expect(iso(nextRunTimes('0 3 * * *', from, 3, 'Europe/Berlin'))).toEqual([
      '2026-01-11T02:00:00.000Z',
      '2026-01-12T02:00:00.000Z',
      '2026-01-13T02:00:00.000Z',
    ]);
    expect(iso(nextRunTimes('0 4 * * 0', from, 3, 'UTC'))).toEqual([
      '2026-01-11T04:00:00.000Z',
      '2026-01-18T04:00:00.000Z',
      '2026-01-25T04:00:00.000Z',
    ]);
  });

  it('crosses the autumn DST change without doubling a fixed-time run', () => {
    const from = Date.parse('2026-10-24T00:00:00Z');
    expect(iso(nextRunTimes('30 2 * * *', from, 3, 'Europe/Berlin'))).toEqual([
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, first of the two 02:30s; the second is not a run
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
  });

  it('runs a job whose time falls into the spring DST gap right after the gap', () => {
    const from = Date.parse('2026-03-28T00:00:00Z');
    expect(iso(nextRunTimes('30 2 * * *', from, 3, 'Europe/Berlin'))).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist; 03:00 CEST instead
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('counts runs in a window', () => {
    const a = Date.parse('2026-01-01T00:00:00Z');
    expect(countRunTimes('0 * * * *', a, a + 10 * 3600_000, 'UTC')).toBe(10);
    expect(countRunTimes('* * * * *', a, a + 10 * 3600_000, 'UTC', 50)).toBe(50);
  });
});

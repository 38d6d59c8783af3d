import { createTask } from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CRON_PRESETS, describeCron } from '../../../shared/schedule.js';
import { checkCron, countRunTimes, lastRunTimeAtOrBefore, nextRunTime, nextRunTimes } from '../../../electron/core/scheduler/cron.js';

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

describe('the node-cron engine', () => {
  afterEach(() => vi.useRealTimers());

  it('agrees with node-cron’s own next runs away from DST changes (same matcher, same zone)', () => {
    // getNextRuns counts from the real clock, so the clock is pinned for the comparison.
    const now = Date.parse('2026-05-13T09:41:17Z');
    vi.useFakeTimers({ now, toFake: ['Date'] });
    for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata']) {
      for (const expr of ['0 3 * * *', '*/15 * * * 1-5', '0 4 * * 0', '0 5 1 * *', '0 3 L * *', '0 3 * * 1#2', '0 3 * * 5L', '30 1 15W * *', '0 9 * jan-jun mon']) {
        const theirs = createTask(expr, () => undefined, { timezone: tz }).getNextRuns(5).map((d) => d.getTime());
        expect(nextRunTimes(expr, now, 5, tz), `${expr} in ${tz}`).toEqual(theirs);
      }
    }
  });

  it('reads day-of-month and day-of-week as either one when both are given (crontab(5)), as the words say', () => {
    const from = Date.parse('2026-06-01T12:00:00Z'); // a Monday
    expect(iso(nextRunTimes('0 3 1 * 1', from, 3, 'UTC'))).toEqual(['2026-06-08T03:00:00.000Z', '2026-06-15T03:00:00.000Z', '2026-06-22T03:00:00.000Z']);
    expect(iso(nextRunTimes('0 3 10 * 1', from, 2, 'UTC'))).toEqual(['2026-06-08T03:00:00.000Z', '2026-06-10T03:00:00.000Z']);
    expect(describeCron('0 3 10 * 1')).toMatch(/day 10 of the month, and on Monday/);
  });

  it('finds the last slot at or before an instant, through a DST change', () => {
    expect(new Date(lastRunTimeAtOrBefore('0 3 * * *', Date.parse('2026-10-26T02:59:00Z'), 'Europe/Berlin')!).toISOString()).toBe('2026-10-26T02:00:00.000Z');
    expect(new Date(lastRunTimeAtOrBefore('0 3 * * *', Date.parse('2026-10-26T02:00:00Z'), 'Europe/Berlin')!).toISOString()).toBe('2026-10-26T02:00:00.000Z');
    // Inside the repeated hour the slot is its first occurrence.
    expect(new Date(lastRunTimeAtOrBefore('30 2 * * *', Date.parse('2026-10-25T01:45:00Z'), 'Europe/Berlin')!).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(lastRunTimeAtOrBefore('0 0 29 2 *', Date.parse('2026-01-01T00:00:00Z'), 'UTC')).toBe(Date.parse('2024-02-29T00:00:00Z'));
  });

  it('finds a leap day years ahead and knows a schedule that never runs', () => {
    expect(nextRunTime('0 0 29 2 *', Date.parse('2097-01-01T00:00:00Z'), 'UTC')).toBe(Date.parse('2104-02-29T00:00:00Z'));
    expect(checkCron('0 0 30 2 *')).toMatchObject({ ok: false, error: { message: '"0 0 30 2 *" never runs (no date matches it).' } });
  });

  it('names the field that is wrong, from node-cron’s validateDetailed', () => {
    expect(checkCron('0 3 * 13 *')).toMatchObject({ ok: false, error: { message: '"0 3 * 13 *" is not a valid schedule: the month field cannot be "13" (months are 1–12 or jan–dec).' } });
    expect(checkCron('0 3 * * funday')).toMatchObject({ ok: false, error: { message: expect.stringContaining('the day-of-week field cannot be "funday"') } });
  });

  it('counts a minute schedule over a day quickly (the scheduler asks after a long sleep)', () => {
    const a = Date.parse('2026-03-29T00:00:00Z');
    expect(countRunTimes('*/5 * * * *', a, a + 24 * 3600_000, 'Europe/Berlin')).toBe(288);
  });
});

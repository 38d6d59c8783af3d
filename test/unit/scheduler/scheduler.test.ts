import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/core/scheduler/clock.js';
import { jsonFileStateStore, memoryStateStore, type SchedulerStateStore } from '../../../electron/core/scheduler/schedule-state.js';
import { type DueRun, type ResumeReport, type ScheduledJob, Scheduler } from '../../../electron/core/scheduler/scheduler.js';

const T = (s: string) => Date.parse(s);
const BERLIN = 'Europe/Berlin';

function harness(jobs: ScheduledJob[], startIso: string, store: SchedulerStateStore = memoryStateStore(), clock = new ManualClock(T(startIso))) {
  const fired: DueRun[] = [];
  const resumed: ResumeReport[] = [];
  const scheduler = new Scheduler({
    clock,
    store,
    timezone: BERLIN,
    jobs: () => jobs,
    onDue: (r) => fired.push(r),
    onResumed: (r) => resumed.push(r),
    onError: (e) => {
      throw e;
    },
  });
  return { clock, store, scheduler, fired, resumed };
}

const view = (runs: DueRun[], jobId: string) =>
  runs.filter((r) => r.jobId === jobId).map((r) => `${new Date(r.atMs).toISOString()} ${r.trigger} slot=${new Date(r.slotMs).toISOString()} missed=${r.missedSlots}`);

describe('Scheduler over two simulated weeks (Europe/Berlin, DST ends 2026-10-25)', () => {
  it('fires every due run exactly once through sleeps, clock jumps, a restart and the DST change', () => {
    const jobs: ScheduledJob[] = [
      { id: 'daily', schedule: '0 3 * * *' },
      { id: 'night', schedule: '30 2 * * *' }, // 02:30 happens twice on 2026-10-25
      { id: 'weekly', schedule: '0 4 * * 0' },
    ];
    const store = memoryStateStore();
    const h = harness(jobs, '2026-10-18T12:00:00Z', store);
    h.scheduler.start();

    h.clock.advanceTo(T('2026-10-20T22:00:00Z'));
    // Laptop lid closed for a day and a half: the 21st and 22nd slots are missed.
    h.clock.jumpTo(T('2026-10-22T07:00:00Z'));
    h.clock.advanceTo(T('2026-10-23T01:30:00Z'));
    // NTP pulls the clock back an hour right after the 03:00 run: it must not run again.
    h.clock.jumpTo(T('2026-10-23T00:30:00Z'));
    h.clock.advanceTo(T('2026-10-24T23:00:00Z'));
    // Short sleep across midnight that wakes before any slot: nothing to catch up.
    h.clock.jumpTo(T('2026-10-25T00:10:00Z'));
    h.clock.advanceTo(T('2026-10-27T20:00:00Z'));
    // Shut down for two nights; a new process with the same saved state starts later.
    h.scheduler.stop();
    const h2 = harness(jobs, '2026-10-29T10:00:00Z', store);
    h2.scheduler.start();
    h2.clock.advanceTo(T('2026-10-30T00:00:00Z'));
    // The clock is corrected forwards by 3 h across the 03:00 slot: it runs once, late.
    h2.clock.jumpTo(T('2026-10-30T03:00:00Z'));
    h2.clock.advanceTo(T('2026-11-01T12:00:00Z'));
    h2.scheduler.stop();

    const all = [...h.fired, ...h2.fired];
    expect(view(all, 'daily')).toEqual([
      '2026-10-19T01:00:00.000Z schedule slot=2026-10-19T01:00:00.000Z missed=0',
      '2026-10-20T01:00:00.000Z schedule slot=2026-10-20T01:00:00.000Z missed=0',
      '2026-10-22T07:00:00.000Z catch-up slot=2026-10-22T01:00:00.000Z missed=1',
      '2026-10-23T01:00:00.000Z schedule slot=2026-10-23T01:00:00.000Z missed=0',
      '2026-10-24T01:00:00.000Z schedule slot=2026-10-24T01:00:00.000Z missed=0',
      '2026-10-25T02:00:00.000Z schedule slot=2026-10-25T02:00:00.000Z missed=0', // 03:00 CET
      '2026-10-26T02:00:00.000Z schedule slot=2026-10-26T02:00:00.000Z missed=0',
      '2026-10-27T02:00:00.000Z schedule slot=2026-10-27T02:00:00.000Z missed=0',
      '2026-10-29T10:00:00.000Z catch-up slot=2026-10-29T02:00:00.000Z missed=1',
      '2026-10-30T03:00:00.000Z catch-up slot=2026-10-30T02:00:00.000Z missed=0',
      '2026-10-31T02:00:00.000Z schedule slot=2026-10-31T02:00:00.000Z missed=0',
      '2026-11-01T02:00:00.000Z schedule slot=2026-11-01T02:00:00.000Z missed=0',
    ]);
    expect(view(all, 'night')).toEqual([
      '2026-10-19T00:30:00.000Z schedule slot=2026-10-19T00:30:00.000Z missed=0',
      '2026-10-20T00:30:00.000Z schedule slot=2026-10-20T00:30:00.000Z missed=0',
      '2026-10-22T07:00:00.000Z catch-up slot=2026-10-22T00:30:00.000Z missed=1',
      '2026-10-23T00:30:00.000Z schedule slot=2026-10-23T00:30:00.000Z missed=0',
      '2026-10-24T00:30:00.000Z schedule slot=2026-10-24T00:30:00.000Z missed=0',
      '2026-10-25T00:30:00.000Z schedule slot=2026-10-25T00:30:00.000Z missed=0', // only the first 02:30
      '2026-10-26T01:30:00.000Z schedule slot=2026-10-26T01:30:00.000Z missed=0',
      '2026-10-27T01:30:00.000Z schedule slot=2026-10-27T01:30:00.000Z missed=0',
      '2026-10-29T10:00:00.000Z catch-up slot=2026-10-29T01:30:00.000Z missed=1',
      '2026-10-30T03:00:00.000Z catch-up slot=2026-10-30T01:30:00.000Z missed=0', // inside the jump too
      '2026-10-31T01:30:00.000Z schedule slot=2026-10-31T01:30:00.000Z missed=0',
      '2026-11-01T01:30:00.000Z schedule slot=2026-11-01T01:30:00.000Z missed=0',
    ]);
    expect(view(all, 'weekly')).toEqual([
      '2026-10-25T03:00:00.000Z schedule slot=2026-10-25T03:00:00.000Z missed=0', // Sunday 04:00 CET
      '2026-11-01T03:00:00.000Z schedule slot=2026-11-01T03:00:00.000Z missed=0',
    ]);
    // Nothing keeps piling up timers: exactly one look is pending per running scheduler.
    expect(h2.clock.pendingTimers()).toBe(0);
  });

  it('runs the spring-forward gap slot once, right after the gap', () => {
    const h = harness([{ id: 'night', schedule: '30 2 * * *' }], '2026-03-27T12:00:00Z');
    h.scheduler.start();
    h.clock.advanceTo(T('2026-03-31T00:00:00Z'));
    expect(view(h.fired, 'night')).toEqual([
      '2026-03-28T01:30:00.000Z schedule slot=2026-03-28T01:30:00.000Z missed=0',
      '2026-03-29T01:00:00.000Z schedule slot=2026-03-29T01:00:00.000Z missed=0',
      '2026-03-30T00:30:00.000Z schedule slot=2026-03-30T00:30:00.000Z missed=0',
    ]);
  });

  it('never catches up slots from before a job was scheduled or before its schedule was edited', () => {
    const jobs: ScheduledJob[] = [{ id: 'a', schedule: '0 * * * *' }];
    const h = harness(jobs, '2026-05-01T10:30:00Z');
    h.scheduler.start();
    expect(h.fired).toEqual([]);
    h.clock.advanceTo(T('2026-05-01T11:00:00Z'));
    expect(h.fired).toHaveLength(1);
    jobs[0] = { id: 'a', schedule: '30 * * * *' };
    h.clock.jumpTo(T('2026-05-01T15:45:00Z'));
    // The old hourly slots at 12–15:00 belong to the previous schedule; the edit is seen at
    // 15:45, so the new schedule's first slot is 16:30.
    expect(h.fired).toHaveLength(1);
    expect(h.scheduler.nextRunAt('a')).toBe(T('2026-05-01T16:30:00Z'));
    h.clock.advanceTo(T('2026-05-01T16:30:00Z'));
    expect(h.fired.map((r) => r.trigger)).toEqual(['schedule', 'schedule']);
  });

  it('records the slot before handing it over, so a failing hand-over is not replayed', () => {
    const clock = new ManualClock(T('2026-05-01T10:30:00Z'));
    let calls = 0;
    const errors: unknown[] = [];
    const s = new Scheduler({
      clock,
      store: memoryStateStore(),
      timezone: 'UTC',
      jobs: () => [{ id: 'a', schedule: '0 11 * * *' }],
      onDue: () => {
        calls++;
        throw new Error('queue exploded');
      },
      onError: (e) => errors.push(e),
    });
    s.start();
    clock.advanceTo(T('2026-05-01T12:00:00Z'));
    s.tick();
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
  });

  describe('pause', () => {
    const jobs: ScheduledJob[] = [{ id: 'hourly', schedule: '0 * * * *' }, { id: 'daily', schedule: '0 3 * * *' }];

    it('for one hour skips that hour, reports it on the automatic resume and does not catch it up', () => {
      const h = harness(jobs, '2026-06-01T09:50:00Z');
      h.scheduler.start();
      const pause = h.scheduler.pause('one-hour');
      expect(pause.untilMs).toBe(T('2026-06-01T10:50:00Z'));
      h.clock.advanceTo(T('2026-06-01T12:30:00Z'));
      expect(h.fired.map((r) => new Date(r.slotMs).toISOString())).toEqual(['2026-06-01T11:00:00.000Z', '2026-06-01T12:00:00.000Z']);
      expect(h.fired.every((r) => r.trigger === 'schedule')).toBe(true);
      expect(h.resumed).toEqual([
        { auto: true, atMs: T('2026-06-01T10:50:00Z'), skipped: [{ jobId: 'hourly', count: 1, firstSlotMs: T('2026-06-01T10:00:00Z'), lastSlotMs: T('2026-06-01T10:00:00Z') }] },
      ]);
      expect(h.scheduler.status().pause).toBeNull();
    });

    it('until tomorrow ends at local midnight, even when the machine sleeps through it', () => {
      const h = harness(jobs, '2026-06-01T18:00:00Z'); // 20:00 in Berlin
      h.scheduler.start();
      expect(h.scheduler.pause('until-tomorrow').untilMs).toBe(T('2026-06-01T22:00:00Z'));
      h.clock.advanceTo(T('2026-06-01T20:10:00Z'));
      // Asleep from 22:10 local to 07:00 local: the hourly slots after midnight were due while
      // not paused, so they collapse into one catch-up; the 03:00 daily one too.
      h.clock.jumpTo(T('2026-06-02T05:00:00Z'));
      expect(h.resumed).toHaveLength(1);
      expect(h.resumed[0]!.skipped).toEqual([{ jobId: 'hourly', count: 4, firstSlotMs: T('2026-06-01T19:00:00Z'), lastSlotMs: T('2026-06-01T22:00:00Z') }]);
      expect(view(h.fired, 'hourly')).toEqual(['2026-06-02T05:00:00.000Z schedule slot=2026-06-02T05:00:00.000Z missed=6']);
      expect(view(h.fired, 'daily')).toEqual(['2026-06-02T05:00:00.000Z catch-up slot=2026-06-02T01:00:00.000Z missed=0']);
    });

    it('until resumed keeps skipping, and resume says what was skipped', () => {
      const h = harness(jobs, '2026-06-01T09:50:00Z');
      h.scheduler.start();
      expect(h.scheduler.pause('until-resumed').untilMs).toBeNull();
      h.clock.advanceTo(T('2026-06-03T09:30:00Z'));
      expect(h.fired).toEqual([]);
      const report = h.scheduler.resume();
      expect(report.auto).toBe(false);
      expect(report.skipped).toEqual([
        { jobId: 'hourly', count: 48, firstSlotMs: T('2026-06-01T10:00:00Z'), lastSlotMs: T('2026-06-03T09:00:00Z') },
        { jobId: 'daily', count: 2, firstSlotMs: T('2026-06-02T01:00:00Z'), lastSlotMs: T('2026-06-03T01:00:00Z') },
      ]);
      expect(h.resumed).toEqual([report]);
      h.clock.advanceTo(T('2026-06-03T10:00:00Z'));
      expect(view(h.fired, 'hourly')).toEqual(['2026-06-03T10:00:00.000Z schedule slot=2026-06-03T10:00:00.000Z missed=0']);
      expect(h.scheduler.status().skipped).toEqual([]);
    });
  });
});

describe('jsonFileStateStore', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('survives a restart: the catch-up after downtime happens once, not again on the next start', () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-sched-'));
    const file = join(dir, 'state', 'scheduler.json');
    const jobs: ScheduledJob[] = [{ id: 'daily', schedule: '0 3 * * *' }];
    const a = harness(jobs, '2026-06-01T00:00:00Z', jsonFileStateStore(file));
    a.scheduler.start();
    a.clock.advanceTo(T('2026-06-01T02:00:00Z'));
    a.scheduler.stop();
    expect(a.fired).toHaveLength(1);

    const b = harness(jobs, '2026-06-04T12:00:00Z', jsonFileStateStore(file));
    b.scheduler.start();
    b.scheduler.stop();
    const c = harness(jobs, '2026-06-04T12:05:00Z', jsonFileStateStore(file));
    c.scheduler.start();
    c.scheduler.stop();
    expect(view(b.fired, 'daily')).toEqual(['2026-06-04T12:00:00.000Z catch-up slot=2026-06-04T01:00:00.000Z missed=2']);
    expect(c.fired).toEqual([]);
  });

  it('starts afresh from a damaged file instead of refusing to schedule', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-sched-'));
    const file = join(dir, 'scheduler.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, '{"version":1,"jobs":');
    expect(jsonFileStateStore(file).load()).toEqual({ version: 1, jobs: {}, pause: null, skipped: [] });
  });
});

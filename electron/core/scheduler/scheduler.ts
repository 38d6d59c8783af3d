// Decides when each job's schedule is due and hands due runs to the run queue. It never counts
// elapsed time: on every look it asks "which slots lie between the last slot I handled and the
// wall clock now?" — so sleep, a powered-off machine, clock jumps in either direction and DST
// changes can neither skip a run nor double one. Missed slots collapse into one catch-up run.
import { normalizeCron } from '../../../shared/schedule.js';
import { countRunTimes, lastRunTimeAtOrBefore, nextRunTime } from './cron.js';
import type { CancelTimer, Clock } from './clock.js';
import { type PauseChoice, pauseEndsAt } from './pause.js';
import type { JobScheduleState, PauseState, SchedulerState, SchedulerStateStore, SkippedRuns } from './schedule-state.js';

export type ScheduleTrigger = 'schedule' | 'catch-up';

export interface ScheduledJob {
  readonly id: string;
  /** A valid five-field cron expression, or null for manual-only jobs. */
  readonly schedule: string | null;
  /** IANA zone the schedule is read in; default: the scheduler's zone. */
  readonly timezone?: string | null;
}

export interface DueRun {
  readonly jobId: string;
  readonly trigger: ScheduleTrigger;
  /** The schedule slot this run stands for (the latest one that was due). */
  readonly slotMs: number;
  /** Earlier slots folded into this run (machine off, asleep, clock jumped). */
  readonly missedSlots: number;
  readonly atMs: number;
}

export interface ResumeReport {
  readonly auto: boolean;
  readonly atMs: number;
  readonly skipped: readonly SkippedRuns[];
}

export interface SchedulerOptions {
  readonly clock: Clock;
  readonly store: SchedulerStateStore;
  /** The current jobs; read on every look so edits apply without a restart. */
  readonly jobs: () => readonly ScheduledJob[];
  /** Called once per due run, after the slot is recorded (a crash cannot replay it). */
  readonly onDue: (run: DueRun) => void;
  readonly onResumed?: (report: ResumeReport) => void;
  readonly onError?: (err: unknown) => void;
  /** Default IANA zone; undefined means the process's local zone. */
  readonly timezone?: string;
  /** A slot up to this late still counts as on time (trigger "schedule"), later ones are catch-up. */
  readonly onTimeGraceMs?: number;
  /** Look again at least this often, whatever the next slot is (clock jumps, missed timers). */
  readonly maxWaitMs?: number;
}

export interface SchedulerStatus {
  readonly pause: PauseState | null;
  readonly skipped: readonly SkippedRuns[];
  readonly nextRuns: Readonly<Record<string, number | null>>;
}

const DEFAULT_GRACE_MS = 2 * 60 * 1000;
const DEFAULT_MAX_WAIT_MS = 60 * 1000;

/** Runs job schedules against an injected clock and a persisted state. */
export class Scheduler {
  private timer: CancelTimer | null = null;
  // The next slot after a given point never changes, and the scheduler looks every minute:
  // remember it per job so a quiet minute costs no cron math.
  private readonly nextCache = new Map<string, { readonly key: string; readonly next: number | null }>();
  private running = false;
  private ticking = false;

  constructor(private readonly opts: SchedulerOptions) {}

  /** Starts looking; slots missed while the app was not running are caught up now, once. */
  start(): void {
    this.running = true;
    this.tick();
  }

  /** Stops looking; the state stays saved for the next start. */
  stop(): void {
    this.running = false;
    this.timer?.();
    this.timer = null;
  }

  /** Looks now (timer, system wake, jobs edited). Returns the runs it handed over. */
  tick(): DueRun[] {
    // A scheduler that was not started (one-shot CLI commands) never fires or records slots:
    // the one in the app or in `reprise serve` owns them.
    if (!this.running) return [];
    // onDue may call back into the scheduler (e.g. a job edit); never evaluate re-entrantly.
    if (this.ticking) return [];
    this.ticking = true;
    try {
      return this.evaluate();
    } catch (err) {
      this.opts.onError?.(err);
      return [];
    } finally {
      this.ticking = false;
      this.arm();
    }
  }

  /** Pauses every schedule; returns the pause as stored. */
  pause(choice: PauseChoice): PauseState {
    // Whatever is due right now still runs; the pause covers what comes after. A scheduler that
    // is not running (a CLI process) only records the pause for the one that is.
    if (this.running) this.tick();
    const now = this.opts.clock.now();
    const state = this.opts.store.load();
    const pause: PauseState = { sinceMs: state.pause?.sinceMs ?? now, untilMs: pauseEndsAt(choice, now, this.opts.timezone) };
    this.opts.store.save({ ...state, pause, skipped: state.pause ? state.skipped : [] });
    if (this.running) this.tick();
    return pause;
  }

  /** Resumes schedules by hand and reports what the pause skipped (slots are not caught up). */
  resume(): ResumeReport {
    if (this.running) this.tick();
    const state = this.opts.store.load();
    const report: ResumeReport = { auto: false, atMs: this.opts.clock.now(), skipped: state.skipped };
    if (state.pause) {
      this.opts.store.save({ ...state, pause: null, skipped: [] });
      this.opts.onResumed?.(report);
    }
    if (this.running) this.tick();
    return report;
  }

  /** Pause, skipped slots and the next run time of every scheduled job. */
  status(): SchedulerStatus {
    const state = this.opts.store.load();
    const nextRuns: Record<string, number | null> = {};
    for (const job of this.opts.jobs()) {
      if (!job.schedule) continue;
      nextRuns[job.id] = this.nextSlotFor(job, state.jobs[job.id]);
    }
    return { pause: state.pause, skipped: state.skipped, nextRuns };
  }

  /** The next time this job's schedule fires (ignores a pause), or null. */
  nextRunAt(jobId: string): number | null {
    return this.status().nextRuns[jobId] ?? null;
  }

  private zoneOf(job: ScheduledJob): string | undefined {
    return job.timezone ?? this.opts.timezone ?? undefined;
  }

  private nextSlotFor(job: ScheduledJob, js: JobScheduleState | undefined): number | null {
    if (!job.schedule) return null;
    const expr = normalizeCron(job.schedule);
    const tz = this.zoneOf(job);
    const fresh = !js || js.expression !== expr || js.timezone !== (tz ?? null);
    const from = fresh ? this.opts.clock.now() : Math.max(js.anchorMs, js.lastSlotMs ?? -Infinity);
    return this.cachedNext(job.id, expr, tz, from);
  }

  private cachedNext(jobId: string, expr: string, tz: string | undefined, from: number): number | null {
    const key = `${expr}|${tz ?? ''}|${from}`;
    const hit = this.nextCache.get(jobId);
    if (hit && hit.key === key) return hit.next;
    const next = nextRunTime(expr, from, tz);
    this.nextCache.set(jobId, { key, next });
    return next;
  }

  private evaluate(): DueRun[] {
    const { clock, store } = this.opts;
    const now = clock.now();
    let state: SchedulerState = store.load();
    const fired: DueRun[] = [];

    if (state.pause && state.pause.untilMs !== null && now >= state.pause.untilMs) {
      // Slots inside the pause that are already over stay skipped; the first look after the
      // pause ends records them before lifting it, so they are not caught up.
      state = this.recordSkips(state, state.pause.untilMs);
      const report: ResumeReport = { auto: true, atMs: now, skipped: state.skipped };
      state = { ...state, pause: null, skipped: [] };
      store.save(state);
      this.opts.onResumed?.(report);
    }

    const jobs: Record<string, JobScheduleState> = {};
    const due: DueRun[] = [];
    let skipped = [...state.skipped];
    for (const job of this.opts.jobs()) {
      if (!job.schedule) continue;
      const expr = normalizeCron(job.schedule);
      const tz = this.zoneOf(job);
      let js = state.jobs[job.id];
      if (!js || js.expression !== expr || js.timezone !== (tz ?? null)) {
        // New or edited schedule: it starts now; nothing before this moment is "missed".
        js = { expression: expr, timezone: tz ?? null, anchorMs: now, lastSlotMs: null, lastFiredAtMs: js?.lastFiredAtMs ?? null };
      }
      const from = Math.max(js.anchorMs, js.lastSlotMs ?? -Infinity);
      const next = this.cachedNext(job.id, expr, tz, from);
      const latest = next !== null && next <= now ? lastRunTimeAtOrBefore(expr, now, tz) : null;
      if (latest !== null && latest > from) {
        const count = countRunTimes(expr, from, now, tz);
        if (state.pause) {
          skipped = addSkip(skipped, job.id, count, nextRunTime(expr, from, tz) ?? latest, latest);
          js = { ...js, lastSlotMs: latest };
        } else {
          const trigger: ScheduleTrigger = now - latest <= (this.opts.onTimeGraceMs ?? DEFAULT_GRACE_MS) ? 'schedule' : 'catch-up';
          due.push({ jobId: job.id, trigger, slotMs: latest, missedSlots: Math.max(0, count - 1), atMs: now });
          js = { ...js, lastSlotMs: latest, lastFiredAtMs: now };
        }
      }
      jobs[job.id] = js;
    }
    // Jobs that vanished or lost their schedule drop out of the state here. Most looks change
    // nothing; only write when something did.
    const next: SchedulerState = { ...state, jobs, skipped };
    if (JSON.stringify(next) !== JSON.stringify(state)) store.save(next);

    for (const run of due) {
      try {
        this.opts.onDue(run);
        fired.push(run);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
    return fired;
  }

  // Marks every slot up to `untilMs` as skipped for the pause that is ending.
  private recordSkips(state: SchedulerState, untilMs: number): SchedulerState {
    let skipped = [...state.skipped];
    const jobs: Record<string, JobScheduleState> = { ...state.jobs };
    for (const job of this.opts.jobs()) {
      const js = jobs[job.id];
      if (!job.schedule || !js || js.expression !== normalizeCron(job.schedule)) continue;
      const tz = this.zoneOf(job);
      const from = Math.max(js.anchorMs, js.lastSlotMs ?? -Infinity);
      const latest = untilMs > from ? lastRunTimeAtOrBefore(js.expression, untilMs, tz) : null;
      if (latest === null || latest <= from) continue;
      const count = countRunTimes(js.expression, from, untilMs, tz);
      skipped = addSkip(skipped, job.id, count, nextRunTime(js.expression, from, tz) ?? latest, latest);
      jobs[job.id] = { ...js, lastSlotMs: latest };
    }
    return { ...state, jobs, skipped };
  }

  private arm(): void {
    this.timer?.();
    this.timer = null;
    if (!this.running) return;
    const { clock } = this.opts;
    const now = clock.now();
    let at = now + (this.opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    const status = this.status();
    for (const next of Object.values(status.nextRuns)) if (next !== null && next < at) at = next;
    if (status.pause?.untilMs != null && status.pause.untilMs < at) at = status.pause.untilMs;
    this.timer = clock.setTimer(Math.max(at, now), () => {
      this.timer = null;
      this.tick();
    });
  }
}

function addSkip(list: SkippedRuns[], jobId: string, count: number, firstSlotMs: number, lastSlotMs: number): SkippedRuns[] {
  const i = list.findIndex((s) => s.jobId === jobId);
  if (i < 0) return [...list, { jobId, count, firstSlotMs, lastSlotMs }];
  const prev = list[i]!;
  const merged: SkippedRuns = { jobId, count: prev.count + count, firstSlotMs: prev.firstSlotMs, lastSlotMs };
  return list.map((s, j) => (j === i ? merged : s));
}

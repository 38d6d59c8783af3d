// The scheduler area put together for one core: the schedule clock, the run queue with its
// cross-process locks, the tray state and the notifications (alerts/alert-raiser.ts), and what
// other processes changed (outside-changes.ts). Every run — scheduled, caught up,
// manual, from the CLI — goes through the same queue, so one job never runs twice at once.
import { join } from 'node:path';
import { type AlertSettings, DEFAULT_ALERT_SETTINGS } from '../../../shared/alerts.js';
import type { Job, RunSummary, RunTrigger } from '../../../shared/model.js';
import { type TrayState, computeTrayState } from '../../../shared/tray-state.js';
import { alertRaiser } from '../alerts/alert-raiser.js';
import { notificationsForRun } from '../alerts/notification-policy.js';
import type { EventBus } from '../events.js';
import type { History } from '../history/history.js';
import type { RunManager } from '../runs/run-manager.js';
import type { SettingsStore } from '../settings/settings.js';
import type { Clock } from './clock.js';
import { type ChildOwner, runOwnedBy } from '../process/child-owner.js';
import type { JobLocks } from './job-lock.js';
import type { PauseChoice } from './pause.js';
import { type QueueRefusal, RunQueue } from './run-queue.js';
import { outsideChanges } from './outside-changes.js';
import { jsonFileStateStore } from './schedule-state.js';
import { type DueRun, type ResumeReport, Scheduler } from './scheduler.js';
import type { SchedulerStatusDto } from '../../../shared/contract/scheduler.js';

export interface SchedulerServiceOptions {
  readonly dataDir: string;
  /** The data dir's lock database (locks.sqlite), shared with the restore-point leases; closed by close(). */
  readonly locks: JobLocks;
  readonly clock: Clock;
  readonly events: EventBus;
  readonly history: History;
  readonly jobs: () => readonly Job[];
  readonly runs: RunManager;
  readonly settings: SettingsStore;
  /** How this process is named in "already running in …" messages. */
  readonly lockLabel: string;
  /** Run schedules (serve, Electron); false for one-shot CLI commands. */
  readonly runSchedules: boolean;
  readonly timezone?: string;
  /** Electron's start-at-login state; null where the host has none. */
  readonly startAtLogin?: () => boolean | null;
  /** Where diagnostics go (a scheduled run refused because another process runs the job). */
  readonly log?: (line: string) => void;
  /** How often to look for runs and jobs other processes wrote (ms); 0 turns it off. Default 1000. */
  readonly outsideCheckMs?: number;
}

export interface StartedRun {
  /** null while the run waits in the queue for a free slot. */
  readonly runId: number | null;
  readonly queued: boolean;
  readonly done: Promise<RunSummary | null>;
}

export type StartRefusal = QueueRefusal;

interface SettingsExtras {
  readonly alerts?: Partial<AlertSettings>;
  readonly concurrency?: number;
}

const RECENT_PER_JOB = 30;

/** Builds the scheduler area of a core. */
export function schedulerService(o: SchedulerServiceOptions) {
  const locks = o.locks;
  // Recording children is a safety net: a busy or broken lock file must not fail the run itself.
  const guardLocks = (write: () => void) => {
    try {
      write();
    } catch (e) {
      (o.log ?? (() => {}))(`could not record a child process with the job lock: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const runIds = new Map<string, number>();
  const log = o.log ?? (() => {});
  const extras = (): SettingsExtras => o.settings.read() as SettingsExtras;
  const alertSettings = (): AlertSettings => ({ ...DEFAULT_ALERT_SETTINGS, ...(extras().alerts ?? {}) });

  const queue = new RunQueue<RunSummary | null>({
    concurrency: extras().concurrency ?? 2,
    locks,
    lockLabel: o.lockLabel,
    execute: async (req, signal) => {
      const job = o.jobs().find((j) => j.id === req.jobId);
      if (!job) return null;
      // Every child the run starts is recorded with the job's lock (and forgotten when it ends),
      // so a child that outlives a killed Reprise still keeps the job from starting twice.
      // Recorded at once (a Reprise killed a moment after the fork must still leave the child on
      // record). The first child may start before runs.start() has returned the run's id (an
      // async function runs synchronously up to its first await): its run id is filled in after.
      const unnumbered: number[] = [];
      const owner: ChildOwner & { runId: number | null } = {
        runId: null,
        spawned: (c) => {
          if (owner.runId === null) unnumbered.push(c.pid);
          guardLocks(() => locks.recordChild(job.id, { ...c, runId: owner.runId }));
        },
        exited: (e) => queueMicrotask(() => guardLocks(() => locks.forgetChild(e.pid))),
      };
      const { runId, done } = runOwnedBy(owner, () => o.runs.start(job, req.trigger as RunTrigger, req.dryRun ?? false, { full: req.full === true }));
      owner.runId = runId;
      for (const pid of unnumbered.splice(0)) guardLocks(() => locks.numberChild(pid, runId));
      runIds.set(job.id, runId);
      const onAbort = () => o.runs.cancel(runId);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return await done;
      } finally {
        signal.removeEventListener('abort', onAbort);
        runIds.delete(job.id);
      }
    },
    onChange: () => {
      recentRuns = null;
      publishStatus();
    },
  });

  /** Queues a run of the job; refused when it is already queued or running (here or elsewhere). */
  function start(job: Job, trigger: RunTrigger, dryRun = false, full = false): { ok: true; run: StartedRun } | { ok: false; error: StartRefusal } {
    const sub = queue.submit({ jobId: job.id, jobName: job.name, trigger, dryRun, ...(full ? { full } : {}) });
    if (!sub.ok) {
      const here = runIds.get(job.id);
      return here !== undefined && sub.error.kind === 'already-running' ? { ok: false, error: { ...sub.error, message: `"${job.name}" is already running (run ${here}).` } } : sub;
    }
    const done = sub.done.then((outcome) => {
      if (outcome.status === 'finished') return outcome.value;
      if (outcome.status === 'rejected') log(`${outcome.error.message}`);
      if (outcome.status === 'crashed') log(`run of "${job.name}" could not start: ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
      return null;
    });
    return { ok: true, run: { runId: runIds.get(job.id) ?? null, queued: sub.state === 'queued', done } };
  }

  const onDue = (due: DueRun) => {
    const job = o.jobs().find((j) => j.id === due.jobId);
    if (!job) return;
    const res = start(job, due.trigger);
    // A scheduled slot for a job that is running anyway (a CLI run, a manual run) is covered by
    // that run; say so in the log rather than queueing a second copy.
    if (!res.ok) log(`scheduled run of "${job.name}" skipped: ${res.error.message}`);
  };

  const scheduler = new Scheduler({
    clock: o.clock,
    store: jsonFileStateStore(join(o.dataDir, 'scheduler.json')),
    jobs: () => o.jobs().map((j) => ({ id: j.id, schedule: j.schedule })),
    onDue,
    ...(o.timezone ? { timezone: o.timezone } : {}),
    onResumed: () => publishStatus(),
    onError: (err) => log(`scheduler: ${err instanceof Error ? err.message : String(err)}`),
  });

  // --- tray state -------------------------------------------------------------------------
  let lastTray = '';
  let lastTrayState: TrayState | null = null;
  // Progress arrives several times a second; history only changes when a run starts or ends.
  let recentRuns: RunSummary[] | null = null;
  // Runs another process (a `reprise run`) is running: no progress reaches us, but they run.
  let elsewhere: { runId: number; jobId: string }[] | null = null;
  const runsForTray = (): RunSummary[] => (recentRuns ??= o.jobs().flatMap((j) => o.history.list(j.id, RECENT_PER_JOB)).filter((r) => !r.dryRun));
  const runningElsewhere = () => (elsewhere ??= o.history.runningElsewhere());
  function trayState(): TrayState {
    const jobs = o.jobs();
    const runs = runsForTray();
    const live = jobs.flatMap((j) => {
      const l = o.runs.liveOf(j.id);
      if (l) return [{ jobId: j.id, runId: l.runId, percent: l.progress?.percent ?? null }];
      const other = runningElsewhere().find((r) => r.jobId === j.id);
      return other ? [{ jobId: j.id, runId: other.runId, percent: null }] : [];
    });
    return computeTrayState({
      now: o.clock.now(),
      jobs: jobs.map((j) => ({ id: j.id, name: j.name, createdAt: Date.parse(j.createdAt), staleAfterDays: staleDays(j) })),
      runs,
      live,
      pause: scheduler.status().pause,
      startAtLogin: o.startAtLogin?.() ?? null,
    });
  }
  function publishTray(): void {
    const state = trayState();
    const text = JSON.stringify(state);
    if (text === lastTray) return;
    lastTray = text;
    lastTrayState = state;
    o.events.emit('tray:state', state);
  }
  function publishStatus(): void {
    o.events.emit('scheduler:changed', status());
    publishTray();
  }

  // --- notifications (event, and the webhook when one is set) --------------------------------
  const { raise, checkStale } = alertRaiser({ dataDir: o.dataDir, events: o.events, history: o.history, jobs: o.jobs, now: () => o.clock.now(), alertSettings, log, staleDays });

  // Runs and jobs other processes wrote (a `reprise run` from a terminal, `reprise job add`).
  const lookOutside = outsideChanges({
    dataDir: o.dataDir,
    history: o.history,
    jobsChanged: () => o.events.emit('jobs:changed', { jobs: o.jobs() }),
    historyChanged: () => {
      recentRuns = null;
      elsewhere = null;
      o.events.emit('history:changed', { at: o.clock.now() });
      publishTray();
    },
  });
  const outsideMs = o.outsideCheckMs ?? 1000;
  let outsideTimer: NodeJS.Timeout | null = null;

  const offs = [
    o.events.on('runs:started', () => {
      recentRuns = null;
      publishTray();
    }),
    o.events.on('runs:finished', (run) => {
      recentRuns = null;
      elsewhere = null;
      for (const n of notificationsForRun({ ...run, endedAt: run.endedAt ?? o.clock.now() }, alertSettings())) raise(n);
      publishTray();
    }),
    o.events.on('runs:progress', () => publishTray()),
    o.events.on('jobs:changed', () => {
      recentRuns = null;
      elsewhere = null;
      scheduler.tick();
      publishStatus();
    }),
  ];

  // A slow heartbeat keeps "2 h ago" fresh and looks for stale jobs; on the injected clock so the
  // test clock moves it too.
  let heartbeat: (() => void) | null = null;
  const beat = () => {
    recentRuns = null;
    elsewhere = null;
    checkStale();
    publishTray();
    heartbeat = o.clock.setTimer(o.clock.now() + 60_000, beat);
  };

  function status(): SchedulerStatusDto {
    const snap = queue.snapshot();
    return { ...scheduler.status(), running: snap.running.map((r) => r.jobId), queued: snap.queued.map((r) => r.jobId), concurrency: snap.concurrency, now: o.clock.now() };
  }

  return {
    start,
    /** Raises a notification outside a run (event, and the webhook when one is set). */
    notify: raise,
    /** Set when locks.sqlite was damaged and replaced at start. */
    locksRecovered: locks.recovered,
    /** Starts the schedules (and catches up what was missed while not running). */
    startSchedules(): void {
      if (!o.runSchedules) return;
      scheduler.start();
      beat();
      if (outsideMs > 0) {
        outsideTimer = setInterval(lookOutside, outsideMs);
        outsideTimer.unref();
      }
    },
    /** Runs the job's run in another process, if one does (the lock holder's label, e.g. "reprise run"). */
    runningElsewhere(jobId: string): { runId: number; where: string } | null {
      const r = runningElsewhere().find((x) => x.jobId === jobId);
      return r ? { runId: r.runId, where: locks.holder(jobId)?.label ?? 'another Reprise' } : null;
    },
    /** Cancels the job's run: waiting here, running here, or running in another process (via its lock). */
    cancelJob(jobId: string): 'queue' | 'here' | 'other-process' | 'not-running' {
      const snap = queue.snapshot();
      if (snap.queued.some((r) => r.jobId === jobId)) return queue.cancel(jobId) ? 'queue' : 'not-running';
      if (snap.running.some((r) => r.jobId === jobId)) return queue.cancel(jobId) ? 'here' : 'not-running';
      return locks.requestCancel(jobId) ? 'other-process' : 'not-running';
    },
    /** Who holds the job's run lock, if anyone (any process). */
    holder: (jobId: string) => locks.holder(jobId),
    pause(choice: PauseChoice) {
      const p = scheduler.pause(choice);
      publishStatus();
      return p;
    },
    resume(): ResumeReport {
      const r = scheduler.resume();
      publishStatus();
      return r;
    },
    status,
    /** Looks at the schedules now (system wake, test clock moved). */
    tick(): void {
      scheduler.tick();
      publishTray();
    },
    trayState(): TrayState {
      return lastTrayState ?? trayState();
    },
    setConcurrency(n: number): void {
      queue.setConcurrency(n);
    },
    alertSettings,
    idle: () => queue.idle(),
    /** Stops the schedules and drops waiting runs (first step of shutting down). */
    stop(): void {
      if (outsideTimer) clearInterval(outsideTimer);
      outsideTimer = null;
      heartbeat?.();
      heartbeat = null;
      scheduler.stop();
      queue.clearWaiting();
    },
    /** Releases the lock database; call after the running runs ended. */
    close(): void {
      for (const off of offs) off();
      locks.close();
    },
  };
}

function staleDays(job: Job): number | null {
  const v = (job as Job & { readonly staleAfterDays?: number | null }).staleAfterDays;
  return v === undefined ? 3 : v;
}

export type SchedulerService = ReturnType<typeof schedulerService>;

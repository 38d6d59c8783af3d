// Runs jobs: one at a time per job, each destination in turn (one failing never stops the others),
// history rows kept current, one log file per run, progress throttled before it leaves the core.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationResult, Job, Outcome, RunProgress, RunSummary, RunTrigger } from '../../../shared/model.js';
import { RepriseError, raise } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import { ChangeRecorder } from '../history/change-log.js';
import type { History } from '../history/history.js';
import { rotateRunLogs } from '../history/log-rotation.js';
import { saveRunChanges } from '../history/run-changes.js';
import { saveRunFailures } from '../history/run-failures.js';
import { checkRunSources } from '../sources/run-sources.js';
import { openRunLog } from './run-log.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { ToolPaths } from '../tools/tools.js';
import type { ChildRunner } from '../process/child.js';
import { noSpaceText } from '../process/scratch.js';
import type { DestinationOutcome, DestinationRunners, StepProgress } from './destination-runner.js';

export interface RunManagerOptions {
  readonly history: History;
  readonly events: EventBus;
  readonly logDir: string;
  readonly tools: ToolPaths;
  readonly children: ChildRunner;
  /** Restore points held by a restore in any process (the lock database's leases). */
  readonly pointsInUse: (target: string) => ReadonlySet<string>;
  readonly rclone: () => RcloneSetup;
  readonly runners: DestinationRunners;
  readonly now: () => number;
  /** Strips secrets from log lines. */
  /** Hides the core's known secrets in a log line or an error stored in history. */
  readonly redact: (line: string) => string;
  /** Least time between two progress events of one run. */
  readonly progressIntervalMs?: number;
}

interface LiveRun {
  readonly runId: number;
  readonly job: Job;
  readonly controller: AbortController;
  done: Promise<RunSummary>;
  progress: RunProgress | null;
}

/** Combines destination outcomes into the run's outcome. */
export function combineOutcomes(outcomes: readonly DestinationOutcome['outcome'][]): Outcome {
  if (outcomes.length === 0) return 'failed';
  if (outcomes.includes('cancelled')) return 'cancelled';
  const good = outcomes.filter((o) => o === 'success').length;
  if (good === outcomes.length) return 'success';
  if (outcomes.every((o) => o === 'skipped')) return 'skipped';
  if (good > 0 || outcomes.includes('partial')) return 'partial';
  return 'failed';
}

/**
 * What a run copied, said once for the library: every destination gets the same files, so adding
 * them up counted a 26-file library twice for two destinations ("52 files copied"). The run's
 * figures are the most any destination received; each destination keeps its own.
 */
export function runTotals(results: readonly Pick<DestinationResult, 'bytes' | 'files'>[]): { bytes: number; files: number } {
  return { bytes: Math.max(0, ...results.map((r) => r.bytes)), files: Math.max(0, ...results.map((r) => r.files)) };
}

/**
 * Keeps the process alive while a run is live. A run can wait on nothing but a timer (a retry's
 * backoff), and the scheduler's timers are unref'd so that schedules never keep a one-shot CLI
 * alive: without this, `reprise run` ended with "unsettled top-level await" (exit 13) mid-retry.
 */
function processKeepAlive() {
  let timer: NodeJS.Timeout | null = null;
  return {
    hold() {
      timer ??= setInterval(() => {}, 1 << 30);
    },
    release() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/** The run manager of one core. */
export function runManager(o: RunManagerOptions) {
  const live = new Map<string, LiveRun>();
  const interval = o.progressIntervalMs ?? 200;
  const keepAlive = processKeepAlive();

  async function execute(entry: LiveRun, dryRun: boolean, logPath: string, startedAt: number, full: boolean): Promise<RunSummary> {
    const { runId, job, controller } = entry;
    mkdirSync(o.logDir, { recursive: true });
    const runLog = openRunLog(logPath);
    const log = (line: string) => runLog.line(o.redact(line));
    const results: DestinationResult[] = [];
    const outcomes: DestinationOutcome['outcome'][] = [];
    let lastEmit = 0;
    try {
      log(`# Reprise run ${runId} of job "${job.name}"${dryRun ? ' (dry run)' : ''} started ${new Date(startedAt).toISOString()}`);
      await checkRunSources(job, o.rclone(), controller.signal);
      const destCount = job.destinations.length;
      for (let d = 0; d < destCount; d++) {
        const dest = job.destinations[d]!;
        const destStart = o.now();
        o.history.recordDestination(runId, { destId: dest.id, kind: dest.kind, target: dest.target, outcome: 'running', startedAt: destStart, endedAt: null, bytes: 0, files: 0, errors: 0, firstError: null });
        const emit = (p: StepProgress, force = false) => {
          const t = o.now();
          if (!force && t - lastEmit < interval) return;
          lastEmit = t;
          const progress: RunProgress = {
            runId,
            jobId: job.id,
            destId: dest.id,
            target: dest.target,
            step: p.step,
            steps: p.steps,
            destIndex: d + 1,
            destCount,
            bytes: p.bytes,
            totalBytes: p.totalBytes,
            files: p.files,
            totalFiles: p.totalFiles,
            speed: p.speed,
            eta: p.eta,
            percent: Math.min(100, Math.round(((d + p.fraction) / destCount) * 1000) / 10),
            current: p.current.slice(0, 4),
            errors: p.errors,
            elapsed: p.elapsed,
            retry: p.retry ?? null,
          };
          entry.progress = progress;
          o.events.emit('runs:progress', progress);
        };
        // This destination's own (empty) figures at once: the previous one's must not linger
        // while this one connects, waits or retries.
        emit({ step: 1, steps: 1, bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0, eta: null, fraction: 0, current: [], errors: 0, elapsed: 0 }, true);
        let outcome: DestinationOutcome;
        const changes = new ChangeRecorder();
        try {
          outcome = await o.runners[dest.kind]({
            job,
            dest,
            runId,
            dryRun,
            ...(full ? { full } : {}),
            signal: controller.signal,
            tools: o.tools,
            children: o.children,
            pointsInUse: o.pointsInUse,
            rclone: o.rclone(),
            log,
            // A retry notice (or its end) is never throttled away.
            progress: (p) => emit(p, p.fraction >= 1 || p.retry !== undefined),
            change: (c) => changes.add(c),
            restartChanges: () => changes.reset(),
            now: o.now,
          });
        } catch (e) {
          const space = (e as NodeJS.ErrnoException)?.code === 'ENOSPC' ? noSpaceText() : null;
          const message = e instanceof RepriseError ? e.appError.message : space ? `${space.message} ${space.hint}` : e instanceof Error ? e.message : String(e);
          outcome = { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: message };
        }
        // What rclone said goes into history as well as the log: the same secrets stay out of both.
        outcome = {
          ...outcome,
          firstError: outcome.firstError === null ? null : o.redact(outcome.firstError),
          ...(outcome.failedFiles ? { failedFiles: outcome.failedFiles.map((f) => ({ path: f.path, error: o.redact(f.error) })) } : {}),
        };
        log(`# destination ${dest.target}: ${outcome.outcome}${outcome.firstError ? ` — ${outcome.firstError}` : ''}`);
        const result: DestinationResult = { destId: dest.id, kind: dest.kind, target: dest.target, startedAt: destStart, endedAt: o.now(), ...outcome };
        o.history.recordDestination(runId, result);
        saveRunChanges(o.history.raw(), runId, dest.id, changes.finish(new Set((outcome.failedFiles ?? []).map((f) => f.path))));
        saveRunFailures(o.history.raw(), runId, dest.id, outcome.failedFiles ?? []);
        results.push(result);
        outcomes.push(outcome.outcome);
        if (outcome.outcome === 'cancelled') break;
      }
      const outcome = combineOutcomes(outcomes);
      return finish(runId, outcome, results, null);
    } catch (e) {
      const message = o.redact(e instanceof RepriseError ? e.appError.message : e instanceof Error ? e.message : String(e));
      log(`# failed: ${message}`);
      return finish(runId, 'failed', results, message);
    } finally {
      live.delete(job.id);
      if (live.size === 0) keepAlive.release();
      await runLog.close();
      // One log per run adds up; keep the newest, never a live run's.
      rotateRunLogs(o.logDir, undefined, new Set([...live.values()].map((l) => l.runId)));
    }
  }

  function finish(runId: number, outcome: Outcome, results: readonly DestinationResult[], error: string | null): RunSummary {
    const firstError = error ?? results.find((r) => r.firstError)?.firstError ?? null;
    o.history.finishRun(runId, { outcome, endedAt: o.now(), ...runTotals(results), errors: results.reduce((a, r) => a + r.errors, 0) + (error ? 1 : 0), firstError });
    const summary = o.history.get(runId)!;
    o.events.emit('runs:finished', summary);
    return summary;
  }

  return {
    /** Starts a run of the job in the background and returns its id at once. */
    start(job: Job, trigger: RunTrigger, dryRun: boolean, options: { readonly full?: boolean } = {}): { runId: number; done: Promise<RunSummary> } {
      const running = live.get(job.id);
      if (running) raise('busy', `"${job.name}" is already running (run ${running.runId}).`, { hint: 'Wait for it to finish, or cancel it.' });
      const startedAt = o.now();
      const runId = o.history.startRun({ jobId: job.id, jobName: job.name, trigger, dryRun, startedAt, logPath: null });
      const logPath = join(o.logDir, `run-${runId}.log`);
      o.history.setLogPath(runId, logPath);
      const controller = new AbortController();
      const entry: LiveRun = { runId, job, controller, done: Promise.resolve(null as unknown as RunSummary), progress: null };
      live.set(job.id, entry);
      keepAlive.hold();
      o.events.emit('runs:started', o.history.get(runId)!);
      entry.done = execute(entry, dryRun, logPath, startedAt, options.full === true);
      return { runId, done: entry.done };
    },
    /** Cancels a live run; false when it is not running here. */
    cancel(runId: number): boolean {
      for (const l of live.values()) {
        if (l.runId === runId) {
          l.controller.abort();
          return true;
        }
      }
      return false;
    },
    /** The live run of a job, if any. */
    liveOf(jobId: string): { runId: number; progress: RunProgress | null } | null {
      const l = live.get(jobId);
      return l ? { runId: l.runId, progress: l.progress } : null;
    },
    /** Waits for a live run to end. */
    async wait(runId: number): Promise<RunSummary | null> {
      for (const l of live.values()) if (l.runId === runId) return l.done;
      return o.history.get(runId);
    },
    /** Cancels everything and waits for the runs to record their end (quit). */
    async cancelAll(): Promise<void> {
      const pending = [...live.values()];
      for (const l of pending) l.controller.abort();
      await Promise.allSettled(pending.map((l) => l.done));
    },
  };
}

export type RunManager = ReturnType<typeof runManager>;

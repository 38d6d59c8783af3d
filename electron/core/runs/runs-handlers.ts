// The contract's runs:* commands: start a run, wait for its end, its history, changes, failures
// and log. Stopping a run is ops:cancel with the run's operation id (see ops/ops-handlers.ts).
import type { Handlers } from '../../../shared/contract.js';
import { runOpId } from '../../../shared/contract/ops.js';
import type { RunSummary, ToolInfo } from '../../../shared/model.js';
import { type Result, fail, ok } from '../../../shared/result.js';
import type { History } from '../history/history.js';
import { readRunChanges, runChangeCounts } from '../history/run-changes.js';
import { readRunFailures } from '../history/run-failures.js';
import type { JobService } from '../jobs/job-service.js';
import type { SchedulerService } from '../scheduler/scheduler-service.js';
import { readLogTail } from './log-tail.js';
import type { RunManager } from './run-manager.js';

type RunsHandlers = Pick<Handlers, 'runs:start' | 'runs:wait' | 'runs:history' | 'runs:get' | 'runs:changes' | 'runs:log' | 'runs:failures'>;

export interface RunsHandlerDeps {
  readonly jobs: JobService;
  readonly runs: RunManager;
  readonly history: History;
  readonly scheduler: SchedulerService;
  readonly tools: () => Promise<readonly ToolInfo[]>;
  /** How often a wait looks at a run another process is running (its end reaches no event here). */
  readonly pollMs?: number;
}

const finished = (r: RunSummary | null): r is RunSummary => r !== null && r.outcome !== 'running';
const stillRunning = (r: RunSummary): boolean => r.outcome === 'running';

/** The runs:* handlers. */
export function runsHandlers(d: RunsHandlerDeps): RunsHandlers {
  return {
    'runs:start': async (req) => {
      const job = d.jobs.get(req.name);
      const rcloneInfo = (await d.tools()).find((t) => t.name === 'rclone');
      if (rcloneInfo && !rcloneInfo.ok) {
        return { ok: false, error: { kind: rcloneInfo.found ? 'tool-too-old' : 'tool-missing', message: rcloneInfo.problem ?? 'rclone is not usable.' } };
      }
      const started = d.scheduler.start(job, req.trigger, req.dryRun, req.full ?? false);
      if (!started.ok) return fail('busy', started.error.message, { hint: 'Wait for it to finish, or cancel it with "reprise cancel".' });
      const runId = started.run.runId;
      return ok({ runId, queued: started.run.queued, opId: runId === null ? null : runOpId(runId) });
    },
    // The finished run, whichever process runs it: a run here is awaited to its very end (log
    // closed, children gone); a run elsewhere is looked at in the history until it ended.
    'runs:wait': async (req) => {
      const first = d.history.get(req.runId);
      if (!first) return fail('not-found', `There is no run ${req.runId}.`);
      if (!stillRunning(first)) return ok(first);
      return new Promise<Result<RunSummary>>((resolve) => {
        let settled = false;
        const done = (r: Result<RunSummary>) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearInterval(poll);
          resolve(r);
        };
        const look = () => {
          const now = d.history.get(req.runId);
          if (finished(now)) done(ok(now));
        };
        const timer = setTimeout(() => done(fail('busy', `Run ${req.runId} is still running.`, { hint: 'Wait longer, or cancel it.' })), req.timeoutMs);
        timer.unref();
        const here = d.runs.liveOf(first.jobId)?.runId === req.runId;
        // A run of this process: its own end, to the last step (log closed, children gone).
        if (here) void d.runs.wait(req.runId).then((r) => (finished(r) ? done(ok(r)) : look()));
        const poll = here ? undefined : setInterval(look, d.pollMs ?? 1000);
        poll?.unref();
        look();
      });
    },
    'runs:history': async (req) => {
      const job = req.name ? d.jobs.get(req.name) : undefined;
      return ok(d.history.query({ jobId: job?.id, outcome: req.outcome, since: req.since, until: req.until, limit: req.limit }));
    },
    'runs:get': async (req) => {
      const run = d.history.get(req.runId);
      return run ? ok(run) : fail('not-found', `There is no run ${req.runId}.`);
    },
    'runs:changes': async (req) => {
      if (!d.history.get(req.runId)) return fail('not-found', `There is no run ${req.runId}.`);
      const db = d.history.raw();
      const counts = runChangeCounts(db, req.runId);
      const destId = req.destId ?? counts[0]?.destId;
      const page = destId ? readRunChanges(db, req.runId, destId, req) : { entries: [], total: 0 };
      return ok({ counts, entries: page.entries, total: page.total });
    },
    'runs:log': async (req) => {
      const run = d.history.get(req.runId);
      if (!run) return fail('not-found', `There is no run ${req.runId}.`);
      return ok(readLogTail(run.logPath, req.maxBytes));
    },
    'runs:failures': async (req) => ok(readRunFailures(d.history.raw(), req.runId, req.limit)),
  };
}

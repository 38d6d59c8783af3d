// One way to stop any long operation: ops:cancel with its operation id. A run's id is
// `run-<run id>` (a run in another process is asked to stop through its lock, like jobs:cancel);
// every other id is the UUID of a file operation, a restore, a download or a sign-in, and the area
// that runs it stops it.
import type { Handlers } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import type { History } from '../history/history.js';
import type { RunManager } from '../runs/run-manager.js';
import type { SchedulerService } from '../scheduler/scheduler-service.js';

/** Stops the operation with this id if this area runs it; false when it does not. */
export type Canceller = (id: string) => boolean | Promise<boolean>;

export interface OpsHandlerDeps {
  readonly runs: RunManager;
  readonly history: History;
  readonly scheduler: SchedulerService;
  /** The other areas' long operations (files, restores, downloads, sign-ins), asked in turn. */
  readonly cancellers: readonly Canceller[];
}

const RUN_ID = /^run-([1-9]\d{0,15})$/;

/** The ops:* handlers. */
export function opsHandlers(d: OpsHandlerDeps): Pick<Handlers, 'ops:cancel'> {
  const cancelRun = (runId: number): boolean => {
    if (d.runs.cancel(runId)) return true;
    // Running in another process: its lock carries the request; it stops within a second.
    const elsewhere = d.history.runningElsewhere().find((r) => r.runId === runId);
    return elsewhere !== undefined && d.scheduler.cancelJob(elsewhere.jobId) === 'other-process';
  };
  return {
    'ops:cancel': async (req) => {
      const run = RUN_ID.exec(req.id);
      if (run) return ok({ cancelled: cancelRun(Number(run[1])) });
      for (const cancel of d.cancellers) if (await cancel(req.id)) return ok({ cancelled: true });
      return ok({ cancelled: false });
    },
  };
}

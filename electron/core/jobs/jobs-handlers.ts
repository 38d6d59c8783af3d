// The contract's jobs:* commands: the jobs with their state, add/change/remove, what a destination
// can compare by, cancel a job's run wherever it runs, and who holds a job's run lock.
import type { Handlers } from '../../../shared/contract.js';
import type { JobStatus } from '../../../shared/model.js';
import { ok } from '../../../shared/result.js';
import { destinationInfo } from '../destinations/destination-info.js';
import type { EventBus } from '../events.js';
import type { History } from '../history/history.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { RunManager } from '../runs/run-manager.js';
import type { SchedulerService } from '../scheduler/scheduler-service.js';
import type { JobService } from './job-service.js';

type JobsHandlers = Pick<Handlers, 'jobs:list' | 'jobs:destination-info' | 'jobs:add' | 'jobs:update' | 'jobs:remove' | 'jobs:cancel' | 'jobs:holder'>;

export interface JobsHandlerDeps {
  readonly jobs: JobService;
  readonly runs: RunManager;
  readonly history: History;
  readonly scheduler: SchedulerService;
  readonly events: EventBus;
  readonly rclone: () => RcloneSetup;
}

/** The jobs:* handlers. */
export function jobsHandlers(d: JobsHandlerDeps): JobsHandlers {
  const statusOf = (jobId: string): JobStatus => {
    const job = d.jobs.list().find((j) => j.id === jobId)!;
    const l = d.runs.liveOf(job.id);
    const other = l ? null : d.scheduler.runningElsewhere(job.id);
    return { job, lastRun: d.history.lastRun(job.id), nextRun: d.scheduler.status().nextRuns[job.id] ?? null, live: l?.progress ?? null, runningId: l?.runId ?? other?.runId ?? null, runningElsewhere: other?.where ?? null };
  };
  const changed = () => d.events.emit('jobs:changed', { jobs: d.jobs.list() });
  return {
    'jobs:list': async () => ok(d.jobs.list().map((j) => statusOf(j.id))),
    'jobs:destination-info': async (req) => ok(await destinationInfo(req.target, d.rclone())),
    'jobs:add': async (req) => {
      const job = await d.jobs.add(req);
      changed();
      return ok(job);
    },
    'jobs:update': async (req) => {
      const { id, ...input } = req;
      const job = await d.jobs.update(id, input);
      changed();
      return ok(job);
    },
    'jobs:remove': async (req) => {
      const job = d.jobs.remove(req.name);
      changed();
      return ok({ removed: job.name });
    },
    'jobs:cancel': async (req) => {
      const job = d.jobs.get(req.name);
      const where = d.scheduler.cancelJob(job.id);
      return ok({ cancelled: where !== 'not-running', where });
    },
    'jobs:holder': async (req) => {
      const job = d.jobs.get(req.name);
      const h = d.scheduler.holder(job.id);
      if (!h) return ok({ holder: null });
      const runId = d.runs.liveOf(job.id)?.runId ?? d.history.runningElsewhere().find((r) => r.jobId === job.id)?.runId ?? null;
      return ok({ holder: { label: h.label, pid: h.pid, host: h.host, sinceMs: h.sinceMs, runId } });
    },
  };
}

// The core's composition: settings, history, jobs, runs and tools behind the contract's handlers.
// Runs in plain Node (CLI, serve) and in Electron's main process alike; never imports electron.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../../shared/contract.js';
import type { JobStatus, ToolInfo } from '../../shared/model.js';
import { ok } from '../../shared/result.js';
import { type EventBus, eventBus } from './events.js';
import { type History, openHistory } from './history/history.js';
import { type JobService, jobService } from './jobs/job-service.js';
import { type RcloneSetup, rcloneSetup } from './rclone/rclone-env.js';
import { listRemotes } from './rclone/remotes.js';
import { redact } from './redact.js';
import type { DestinationRunners } from './runs/destination-runner.js';
import { runCopyDestination } from './runs/destinations/copy.js';
import { type RunManager, runManager } from './runs/run-manager.js';
import { jsonFileSettingsStore } from './settings/json-file-store.js';
import type { SettingsStore } from './settings/settings.js';
import { type ToolPaths, detectTool, toolPathsFromEnv } from './tools/tools.js';
import { repriseVersion } from './version.js';
import { killAllChildren } from './process/child.js';

export interface CoreOptions {
  readonly dataDir: string;
  readonly host: 'electron' | 'serve' | 'cli';
  /** Defaults to settings.json in the data dir. */
  readonly settings?: SettingsStore;
  readonly tools?: ToolPaths;
  /** An rclone config file given on the command line (wins over settings). */
  readonly rcloneConfig?: string | null;
  readonly now?: () => number;
}

export interface Core {
  readonly handlers: Handlers;
  readonly events: EventBus;
  readonly jobs: JobService;
  readonly runs: RunManager;
  readonly history: History;
  readonly dataDir: string;
  readonly now: () => number;
  readonly rclone: () => RcloneSetup;
  /** Detects rclone and rsync (cached after the first call). */
  tools(): Promise<readonly ToolInfo[]>;
  /** Cancels runs, kills children and closes the database. */
  close(): Promise<void>;
}

/** The runner for each destination kind. */
export const destinationRunners: DestinationRunners = {
  copy: runCopyDestination,
};

/** Builds the core on a data dir. */
export function createCore(options: CoreOptions): Core {
  const dataDir = options.dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const now = options.now ?? Date.now;
  const settings = options.settings ?? jsonFileSettingsStore(join(dataDir, 'settings.json'));
  const tools = options.tools ?? toolPathsFromEnv();
  const history = openHistory(join(dataDir, 'history.db'));
  history.interruptStale(now());
  const events = eventBus();
  const rclone = (): RcloneSetup =>
    rcloneSetup(tools, options.rcloneConfig ?? process.env.RCLONE_CONFIG ?? settings.read().rcloneConfig ?? null);
  const jobs = jobService(settings, rclone);
  const runs = runManager({ history, events, logDir: join(dataDir, 'logs'), tools, rclone, runners: destinationRunners, now, redact });
  let toolInfo: Promise<readonly ToolInfo[]> | null = null;
  const detect = () => (toolInfo ??= Promise.all([detectTool('rclone', tools.rclone), detectTool('rsync', tools.rsync)]));

  const statusOf = (jobId: string): JobStatus => {
    const job = jobs.list().find((j) => j.id === jobId)!;
    const l = runs.liveOf(job.id);
    return { job, lastRun: history.lastRun(job.id), nextRun: null, live: l?.progress ?? null, runningId: l?.runId ?? null };
  };

  const handlers: Handlers = {
    'app:info': async () => ok({ version: repriseVersion(), dataDir, host: options.host === 'electron' ? 'electron' : 'serve', tools: await detect() }),
    'remotes:list': async () => ok(await listRemotes(rclone())),
    'jobs:list': async () => ok(jobs.list().map((j) => statusOf(j.id))),
    'jobs:add': async (req) => {
      const job = await jobs.add(req);
      events.emit('jobs:changed', { jobs: jobs.list() });
      return ok(job);
    },
    'jobs:remove': async (req) => {
      const job = jobs.remove(req.name);
      events.emit('jobs:changed', { jobs: jobs.list() });
      return ok({ removed: job.name });
    },
    'runs:start': async (req) => {
      const job = jobs.get(req.name);
      const rcloneInfo = (await detect()).find((t) => t.name === 'rclone');
      if (rcloneInfo && !rcloneInfo.ok) {
        return { ok: false, error: { kind: rcloneInfo.found ? 'tool-too-old' : 'tool-missing', message: rcloneInfo.problem ?? 'rclone is not usable.' } };
      }
      const { runId } = runs.start(job, req.trigger, req.dryRun);
      return ok({ runId });
    },
    'runs:cancel': async (req) => ok({ cancelled: runs.cancel(req.runId) }),
    'runs:history': async (req) => {
      const job = req.name ? jobs.get(req.name) : undefined;
      return ok(history.list(job?.id, req.limit));
    },
    'runs:get': async (req) => {
      const run = history.get(req.runId);
      return run ? ok(run) : { ok: false, error: { kind: 'not-found', message: `There is no run ${req.runId}.` } };
    },
  };

  return {
    handlers,
    events,
    jobs,
    runs,
    history,
    dataDir,
    now,
    rclone,
    tools: detect,
    async close() {
      await runs.cancelAll();
      killAllChildren();
      history.close();
    },
  };
}

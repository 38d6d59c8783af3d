// The core's composition: settings, history, jobs, runs and tools behind the contract's handlers.
// Runs in plain Node (CLI, serve) and in Electron's main process alike; never imports electron.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../../shared/contract.js';
import type { ToolInfo } from '../../shared/model.js';
import { remoteOf } from '../../shared/remotes/remote-path.js';
import { alertsHandlers } from './alerts/alerts-handlers.js';
import { type StartAtLogin, appHandlers } from './app/app-handlers.js';
import { auditLog } from './audit/audit-log.js';
import { actorOf, auditConfigChanges, auditHandlers, auditRuns } from './audit/audit-hooks.js';
import { destinationRunners } from './destinations/kinds.js';
import { type EventBus, eventBus } from './events.js';
import { fileOps } from './files/file-ops.js';
import { fileHandlers } from './files/files-api.js';
import { type UploadStaging, uploadStaging } from './files/upload-staging.js';
import { foldersHandlers } from './folders/folders-handlers.js';
import { everSucceededReader } from './history/ever-succeeded.js';
import { type History, openHistory } from './history/history.js';
import { describeRecovery } from './history/recover-sqlite.js';
import { type JobService, jobService } from './jobs/job-service.js';
import { jobsHandlers } from './jobs/jobs-handlers.js';
import { opsHandlers } from './ops/ops-handlers.js';
import { ChildRunner } from './process/child.js';
import { tuneHeapForRuns } from './process/heap-tuning.js';
import { sweepScratch } from './process/scratch.js';
import { type RcloneSetup, rcloneSetup } from './rclone/rclone-env.js';
import { Redactor } from './redact.js';
import { type RemotesArea, remotesArea } from './remotes/remotes-area.js';
import { restoreService } from './restore/restore-service.js';
import { type RunManager, runManager } from './runs/run-manager.js';
import { runsHandlers } from './runs/runs-handlers.js';
import { type Clock, systemClock } from './scheduler/clock.js';
import { guardRunners } from './scheduler/guarded-runner.js';
import { JobLocks } from './scheduler/job-lock.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './scheduler/retry-policy.js';
import { schedulerHandlers } from './scheduler/scheduler-handlers.js';
import { type SchedulerService, schedulerService } from './scheduler/scheduler-service.js';
import { networkSettings } from './settings/host-settings.js';
import { jsonFileSettingsStore } from './settings/json-file-store.js';
import { type SettingsStore, updateSettings } from './settings/settings.js';
import { type ToolPaths, detectTool, toolPathsFromEnv } from './tools/tools.js';

export interface CoreOptions {
  readonly dataDir: string;
  readonly host: 'electron' | 'serve' | 'cli';
  /** Defaults to settings.json in the data dir. */
  readonly settings?: SettingsStore;
  readonly tools?: ToolPaths;
  /** Starts every child of this core; tests pass their own to see that none is left behind. */
  readonly children?: ChildRunner;
  /** An rclone config file given on the command line (wins over settings). */
  readonly rcloneConfig?: string | null;
  readonly now?: () => number;
  /** Test seams of the remotes area (stand-in authorize, FUSE check, home folder). */
  readonly remotes?: Parameters<typeof remotesArea>[0]['overrides'];
  /** The scheduler's clock (tests pass a ManualClock; see api/test-seams.ts for the test-only command that moves it). */
  readonly clock?: Clock;
  /** Retries of transient destination failures; default three attempts with backoff. */
  readonly retry?: RetryPolicy;
  /** IANA zone schedules are read in; default the process's zone. */
  readonly timezone?: string;
  /** The desktop app's start-at-login switch (absent in the CLI and serve). */
  readonly startAtLogin?: StartAtLogin;
}

export type { StartAtLogin };

export interface Core {
  readonly handlers: Handlers;
  readonly events: EventBus;
  readonly jobs: JobService;
  readonly runs: RunManager;
  readonly history: History;
  readonly scheduler: SchedulerService;
  readonly dataDir: string;
  readonly now: () => number;
  readonly rclone: () => RcloneSetup;
  readonly remotes: RemotesArea;
  /** The settings store (hosts read their own blocks: serve's port, …). */
  readonly settings: SettingsStore;
  /** Files sent from a browser's computer, staged until files:upload copies them (serve's HTTP upload). */
  readonly uploads: UploadStaging;
  /** Detects rclone and rsync (cached after the first call). */
  tools(): Promise<readonly ToolInfo[]>;
  /** Cancels runs, kills children and closes the database. */
  close(): Promise<void>;
}

/** Builds the core on a data dir. */
export function createCore(options: CoreOptions): Core {
  tuneHeapForRuns();
  const dataDir = options.dataDir;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // What a Reprise killed outright left in the temp folder goes now.
  sweepScratch();
  const clock = options.clock ?? systemClock();
  const now = options.now ?? (() => clock.now());
  const settings = options.settings ?? jsonFileSettingsStore(join(dataDir, 'settings.json'));
  const tools = options.tools ?? toolPathsFromEnv();
  const history = openHistory(join(dataDir, 'history.db'));
  history.interruptStale(now());
  const events = eventBus();
  // Every child the core starts (rclone, rsync, getfattr…) goes through this runner; close() stops them.
  const children = options.children ?? new ChildRunner();
  // A config password given rclone's own way (RCLONE_CONFIG_PASS) until one is unlocked in the window.
  const givenPassword = process.env.RCLONE_CONFIG_PASS || undefined;
  // Every secret the core learns (typed passwords, tokens, the config password) is hidden from
  // run logs, history, the audit log and every failure a handler answers with.
  const redactor = new Redactor();
  redactor.add(givenPassword);
  const chosenConfig = () => options.rcloneConfig ?? process.env.RCLONE_CONFIG ?? settings.read().rcloneConfig ?? null;
  // The remotes area reads the plain setup; everyone else also gets the unlocked config password.
  const remotes = remotesArea({
    dataDir,
    rclone: () => rcloneSetup(tools, children, chosenConfig(), givenPassword),
    configSource: () => (options.rcloneConfig ?? process.env.RCLONE_CONFIG ? 'override' : settings.read().rcloneConfig ? 'settings' : 'default'),
    saveConfigChoice: (path) => updateSettings(settings, (s) => ({ ...s, rcloneConfig: path })),
    events,
    redactor,
    jobsUsing: (remote) => jobs.list().filter((j) => j.destinations.some((d) => remoteOf(d.target) === remote)).map((j) => j.name),
    ...(options.remotes ? { overrides: options.remotes } : {}),
  });
  // settings.network: how long a transfer may move nothing, and how runs retry network failures.
  const network = () => networkSettings(settings.read());
  const rclone = (): RcloneSetup => ({ ...rcloneSetup(tools, children, chosenConfig(), remotes.configPassword() ?? givenPassword), stallAfterMs: network().stallAfterSeconds * 1000, recordCache: join(dataDir, 'cache', 'records') });
  const retryPolicy = (): RetryPolicy => {
    if (options.retry) return options.retry;
    const n = network();
    return { ...DEFAULT_RETRY_POLICY, maxAttempts: n.retryAttempts, initialDelayMs: n.retryDelaySeconds * 1000 };
  };
  const jobs = jobService(settings, rclone);
  // Every destination is checked for presence (absent drive: skipped) and retried on network errors.
  const runners = guardRunners(destinationRunners, {
    clock,
    retry: retryPolicy,
    everSucceeded: everSucceededReader(history.raw()),
  });
  // One lock database per data dir, for every process: job locks, children left by runs, and the
  // leases of restore points being restored from (so no process prunes them).
  const locks = new JobLocks(join(dataDir, 'locks.sqlite'));
  const runs = runManager({ history, events, logDir: join(dataDir, 'logs'), tools, children, pointsInUse: (target) => locks.pointsInUse(target), rclone, runners, now, redact: (line) => redactor.text(line) });
  const scheduler = schedulerService({
    dataDir,
    locks,
    clock,
    events,
    history,
    jobs: () => jobs.list(),
    runs,
    settings,
    lockLabel: options.host === 'electron' ? 'the Reprise app' : options.host === 'serve' ? 'reprise serve' : 'reprise run',
    runSchedules: options.host !== 'cli',
    ...(options.timezone ? { timezone: options.timezone } : {}),
    ...(options.startAtLogin ? { startAtLogin: () => options.startAtLogin!.get() } : {}),
    log: (line) => process.stderr.write(`reprise: ${line}\n`),
  });
  // A damaged history or lock database was moved aside and replaced: say so once, everywhere.
  const notices = [
    ...(history.recovered ? [describeRecovery(history.recovered, 'Backups go on; the history of earlier runs is in the moved file.')] : []),
    ...(scheduler.locksRecovered ? [describeRecovery(scheduler.locksRecovered, 'Backups go on.')] : []),
  ];
  for (const n of notices) process.stderr.write(`reprise: ${n}\n`);
  if (notices.length > 0) {
    // After the host has subscribed to events (it does so right after createCore returns).
    setImmediate(() => {
      for (const [i, n] of notices.entries()) {
        scheduler.notify({ key: `damaged-state-${i}-${now()}`, kind: 'damaged-state', severity: 'warning', jobId: '', jobName: 'Reprise', runId: null, destination: null, firstError: n, title: 'Reprise replaced a damaged database', body: n, atMs: now() });
      }
    });
  }
  let toolInfo: Promise<readonly ToolInfo[]> | null = null;
  const detect = () => (toolInfo ??= Promise.all([detectTool(children, 'rclone', tools.rclone), detectTool(children, 'rsync', tools.rsync)]));

  // The handlers live beside their areas, one file per noun; this only wires them.
  const audit = auditLog(history.raw(), now, actorOf(options.host), (text) => redactor.text(text));
  auditRuns(events, audit, () => jobs.list());
  const uploads = uploadStaging();
  const files = fileOps({ rclone, jobs: () => jobs.list(), audit, uploads, progress: (p) => events.emit('files:progress', p) });
  const restore = restoreService({ jobs, rclone, tools, children, holdPoint: (target, pointId) => locks.holdPoint(target, pointId), events, now });
  const audited: Handlers = auditConfigChanges(
    {
      ...appHandlers({ dataDir, host: options.host, events, tools: detect, notices, ...(options.startAtLogin ? { startAtLogin: options.startAtLogin } : {}), publish: () => scheduler.tick() }),
      ...jobsHandlers({ jobs, runs, history, scheduler, events, rclone }),
      ...runsHandlers({ jobs, runs, history, scheduler, tools: detect }),
      ...schedulerHandlers({ scheduler, settings, now, ...(options.timezone ? { timezone: options.timezone } : {}) }),
      ...alertsHandlers({ settings, current: () => scheduler.alertSettings(), now }),
      ...foldersHandlers(),
      ...auditHandlers(audit),
      ...fileHandlers(files),
      ...remotes.handlers,
      ...restore.handlers,
      ...opsHandlers({ runs, history, scheduler, cancellers: [(id) => files.cancel(id), (id) => restore.cancel(id), (id) => remotes.cancel(id)] }),
    },
    audit,
    events,
  );
  // No failure a handler answers with carries a secret the core knows.
  const handlers = redactor.handlers(audited);

  // Hosts that stay up bring back the mounts marked "at start" (and clean stale ones).
  if (options.host !== 'cli' && existsSync(join(dataDir, 'mounts.json'))) {
    void remotes.start().catch(() => undefined);
  }
  scheduler.startSchedules();

  return {
    handlers,
    events,
    jobs,
    runs,
    history,
    scheduler,
    dataDir,
    now,
    rclone,
    remotes,
    settings,
    uploads,
    tools: detect,
    async close() {
      scheduler.stop();
      await runs.cancelAll();
      await remotes.close();
      await scheduler.idle();
      scheduler.close();
      children.stopAll();
      uploads.close();
      history.close();
    },
  };
}

// The core's composition: settings, history, jobs, runs and tools behind the contract's handlers.
// Runs in plain Node (CLI, serve) and in Electron's main process alike; never imports electron.
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Handlers } from '../../shared/contract.js';
import type { JobStatus, ToolInfo } from '../../shared/model.js';
import { type Result, fail, ok } from '../../shared/result.js';
import { type EventBus, eventBus } from './events.js';
import { type History, openHistory } from './history/history.js';
import { type JobService, jobService } from './jobs/job-service.js';
import { type RcloneSetup, rcloneSetup } from './rclone/rclone-env.js';
import { redact } from './redact.js';
import { destinationInfo } from './destinations/destination-info.js';
import { sweepScratch } from './process/scratch.js';
import { destinationRunners } from './destinations/kinds.js';
import { restoreHandlers } from './restore/restore-service.js';
import { type RunManager, runManager } from './runs/run-manager.js';
import { jsonFileSettingsStore } from './settings/json-file-store.js';
import { type SettingsStore, updateSettings } from './settings/settings.js';
import { networkSettings } from './settings/host-settings.js';
import { describeRecovery } from './history/recover-sqlite.js';
import { type ToolPaths, detectTool, toolPathsFromEnv } from './tools/tools.js';
import { repriseVersion } from './version.js';
import { ChildRunner } from './process/child.js';
import { JobLocks } from './scheduler/job-lock.js';
import { type RemotesArea, remotesArea } from './remotes/remotes-area.js';
import { type Clock, ManualClock, systemClock } from './scheduler/clock.js';
import { guardRunners } from './scheduler/guarded-runner.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './scheduler/retry-policy.js';
import { type SchedulerService, schedulerService } from './scheduler/scheduler-service.js';
import { runChangeCounts, readRunChanges } from './history/run-changes.js';
import { sendWebhook } from './alerts/webhook.js';
import { type AlertSettings, DEFAULT_ALERT_SETTINGS } from '../../shared/alerts.js';
import type { RunSummary } from '../../shared/model.js';
import { checkCron, nextRunTimes } from './scheduler/cron.js';
import { remoteOf } from '../../shared/remotes/remote-path.js';
import { listFolders } from './folders/folder-list.js';
import { auditLog } from './audit/audit-log.js';
import { readRunFailures } from './history/run-failures.js';
import { fileOps } from './files/file-ops.js';
import { fileHandlers } from './files/files-api.js';
import { type UploadStaging, uploadStaging } from './files/upload-staging.js';
import { actorOf, auditConfigChanges, auditHandlers, auditRuns } from './audit/audit-hooks.js';

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
  /** The scheduler's clock; a ManualClock also enables the test-only `scheduler:test-clock`. */
  readonly clock?: Clock;
  /** Retries of transient destination failures; default three attempts with backoff. */
  readonly retry?: RetryPolicy;
  /** IANA zone schedules are read in; default the process's zone. */
  readonly timezone?: string;
  /** The desktop app's start-at-login switch (absent in the CLI and serve). */
  readonly startAtLogin?: StartAtLogin;
}

/** The OS seam behind "Start at login": XDG autostart on Linux, login items on macOS/Windows. */
export interface StartAtLogin {
  get(): boolean;
  set(enabled: boolean): void | Promise<void>;
}

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
  const chosenConfig = () => options.rcloneConfig ?? process.env.RCLONE_CONFIG ?? settings.read().rcloneConfig ?? null;
  // The remotes area reads the plain setup; everyone else also gets the unlocked config password.
  const remotes = remotesArea({
    dataDir,
    rclone: () => rcloneSetup(tools, children, chosenConfig(), givenPassword),
    configSource: () => (options.rcloneConfig ?? process.env.RCLONE_CONFIG ? 'override' : settings.read().rcloneConfig ? 'settings' : 'default'),
    saveConfigChoice: (path) => updateSettings(settings, (s) => ({ ...s, rcloneConfig: path })),
    events,
    jobsUsing: (remote) => jobs.list().filter((j) => j.destinations.some((d) => remoteOf(d.target) === remote)).map((j) => j.name),
    ...(options.remotes ? { overrides: options.remotes } : {}),
  });
  // settings.network: how long a transfer may move nothing, and how runs retry network failures.
  const network = () => networkSettings(settings.read());
  const rclone = (): RcloneSetup => ({ ...rcloneSetup(tools, children, chosenConfig(), remotes.configPassword() ?? givenPassword), stallAfterMs: network().stallAfterSeconds * 1000 });
  const retryPolicy = (): RetryPolicy => {
    if (options.retry) return options.retry;
    const n = network();
    return { ...DEFAULT_RETRY_POLICY, maxAttempts: n.retryAttempts, initialDelayMs: n.retryDelaySeconds * 1000 };
  };
  const jobs = jobService(settings, rclone);
  // Every destination is checked for presence (absent drive: skipped) and retried on network errors.
  const everSucceeded = history
    .raw()
    .prepare<[string, string], { n: number }>(`SELECT COUNT(*) AS n FROM run_destinations d JOIN runs r ON r.id = d.run_id WHERE r.job_id = ? AND d.dest_id = ? AND d.outcome = 'success' AND r.dry_run = 0`);
  const runners = guardRunners(destinationRunners, {
    clock,
    retry: retryPolicy,
    everSucceeded: (jobId, destId) => (everSucceeded.get(jobId, destId)?.n ?? 0) > 0,
  });
  // One lock database per data dir, for every process: job locks, children left by runs, and the
  // leases of restore points being restored from (so no process prunes them).
  const locks = new JobLocks(join(dataDir, 'locks.sqlite'));
  const runs = runManager({ history, events, logDir: join(dataDir, 'logs'), tools, children, pointsInUse: (target) => locks.pointsInUse(target), rclone, runners, now, redact });
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

  const statusOf = (jobId: string): JobStatus => {
    const job = jobs.list().find((j) => j.id === jobId)!;
    const l = runs.liveOf(job.id);
    const other = l ? null : scheduler.runningElsewhere(job.id);
    return { job, lastRun: history.lastRun(job.id), nextRun: scheduler.status().nextRuns[job.id] ?? null, live: l?.progress ?? null, runningId: l?.runId ?? other?.runId ?? null, runningElsewhere: other?.where ?? null };
  };

  const audit = auditLog(history.raw(), now, actorOf(options.host), redact);
  const uploads = uploadStaging();
  auditRuns(events, audit, () => jobs.list());
  const handlers: Handlers = auditConfigChanges({
    ...auditHandlers(audit),
    ...fileHandlers(fileOps({ rclone, jobs: () => jobs.list(), audit, uploads, progress: (p) => events.emit('files:progress', p) })),
    'runs:failures': async (req) => ok(readRunFailures(history.raw(), req.runId, req.limit)),
    'app:info': async () => ok({ version: repriseVersion(), dataDir, host: options.host === 'electron' ? 'electron' : 'serve', tools: await detect(), desktop: null, notices }),
    // Every window (and browser tab) hears where to go; the desktop host also shows its window first.
    'app:open': async (req) => {
      events.emit('app:navigate', req);
      return ok({ opened: true });
    },
    'app:set-start-at-login': async (req) => {
      if (!options.startAtLogin) return fail('invalid-request', 'Starting at login is a setting of the desktop app.', { hint: 'For reprise serve, start it from your init system (a systemd user unit, for example).' });
      await options.startAtLogin.set(req.enabled);
      // The tray menu and the Settings page show the switch: publish the state they read.
      scheduler.tick();
      return ok({ enabled: options.startAtLogin.get() });
    },
    // Only the desktop host can quit itself; it replaces this handler.
    'app:quit': async () => fail('invalid-request', 'Only the desktop app quits from its window.', { hint: 'Stop reprise serve with Ctrl-C where it runs.' }),
    'runs:wait': async (req) => {
      const finished = (r: RunSummary | null) => r !== null && r.outcome !== 'running';
      const now0 = history.get(req.runId);
      if (!now0) return fail('not-found', `There is no run ${req.runId}.`);
      if (finished(now0)) return ok(now0);
      return new Promise((resolve) => {
        const done = (r: Result<RunSummary>) => {
          off();
          clearTimeout(timer);
          resolve(r);
        };
        const off = events.on('runs:finished', (run) => {
          if (run.id === req.runId) done(ok(history.get(req.runId) ?? run));
        });
        const timer = setTimeout(() => done(fail('busy', `Run ${req.runId} is still running.`, { hint: 'Wait longer, or cancel it.' })), req.timeoutMs);
        timer.unref();
        // It may have finished between the first look and the subscription.
        const again = history.get(req.runId);
        if (finished(again)) done(ok(again!));
      });
    },
    'scheduler:wake': async () => {
      scheduler.tick();
      return ok({ now: now() });
    },
    'schedules:check': async (req) => {
      const c = checkCron(req.expression);
      if (!c.ok) return fail('invalid-request', c.error.message, { hint: c.error.hint });
      return ok({ expression: c.expression, description: c.description, nextRuns: nextRunTimes(c.expression, now(), req.count, options.timezone) });
    },
    ...remotes.handlers,
    'jobs:list': async () => ok(jobs.list().map((j) => statusOf(j.id))),
    'jobs:destination-info': async (req) => ok(await destinationInfo(req.target, rclone())),
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
      const started = scheduler.start(job, req.trigger, req.dryRun, req.full ?? false);
      if (!started.ok) return fail('busy', started.error.message, { hint: 'Wait for it to finish, or cancel it with "reprise cancel".' });
      return ok({ runId: started.run.runId, queued: started.run.queued });
    },
    'runs:cancel': async (req) => ok({ cancelled: runs.cancel(req.runId) }),
    'runs:history': async (req) => {
      const job = req.name ? jobs.get(req.name) : undefined;
      return ok(history.query({ jobId: job?.id, outcome: req.outcome, since: req.since, until: req.until, limit: req.limit }));
    },
    'jobs:update': async (req) => {
      const { id, ...input } = req;
      const job = await jobs.update(id, input);
      events.emit('jobs:changed', { jobs: jobs.list() });
      return ok(job);
    },
    'jobs:cancel': async (req) => {
      const job = jobs.get(req.name);
      const where = scheduler.cancelJob(job.id);
      return ok({ cancelled: where !== 'not-running', where });
    },
    'scheduler:status': async () => ok(scheduler.status()),
    'scheduler:pause': async (req) => ok(scheduler.pause(req.choice)),
    'scheduler:resume': async () => ok(scheduler.resume()),
    'scheduler:test-clock': async (req) => {
      if (!(clock instanceof ManualClock)) return fail('invalid-request', 'The clock can only be moved in test mode (REPRISE_TEST_CLOCK).');
      if (req.advanceToMs < clock.now()) return fail('invalid-request', 'The test clock only moves forward.');
      clock.advanceTo(req.advanceToMs);
      scheduler.tick();
      return ok({ now: clock.now() });
    },
    'tray:get': async () => ok(scheduler.trayState()),
    'runs:changes': async (req) => {
      if (!history.get(req.runId)) return fail('not-found', `There is no run ${req.runId}.`);
      const counts = runChangeCounts(history.raw(), req.runId);
      const destId = req.destId ?? counts[0]?.destId;
      const page = destId ? readRunChanges(history.raw(), req.runId, destId, req) : { entries: [], total: 0 };
      return ok({ counts, entries: page.entries, total: page.total });
    },
    'runs:log': async (req) => {
      const run = history.get(req.runId);
      if (!run) return fail('not-found', `There is no run ${req.runId}.`);
      if (!run.logPath || !existsSync(run.logPath)) return ok({ text: '', truncated: false, available: false, path: run.logPath });
      // The tail is what matters (the end says how it ended); never load a huge log whole.
      const size = statSync(run.logPath).size;
      const start = Math.max(0, size - req.maxBytes);
      const buf = Buffer.alloc(size - start);
      const fd = openSync(run.logPath, 'r');
      try {
        readSync(fd, buf, 0, buf.length, start);
      } finally {
        closeSync(fd);
      }
      return ok({ text: buf.toString('utf8'), truncated: start > 0, available: true, path: run.logPath });
    },
    'alerts:get': async () => ok(scheduler.alertSettings()),
    'alerts:test': async (req) => {
      const url = req.webhookUrl ?? scheduler.alertSettings().webhookUrl;
      if (!url) return fail('invalid-request', 'No webhook address is set.', { hint: 'Enter one first.' });
      const r = await sendWebhook(url, {
        key: 'test',
        kind: 'success',
        severity: 'info',
        jobId: 'test',
        jobName: 'Reprise',
        runId: null,
        destination: null,
        firstError: null,
        title: 'Reprise test notification',
        body: 'If you can read this, Reprise can reach you here.',
        atMs: now(),
      });
      return r.ok ? ok({ status: r.status }) : fail('exit-code', r.error.message, { hint: 'Check the address, and that this machine can reach it.' });
    },
    // Only the Electron host can show a native dialog; it replaces this handler.
    // Only the desktop app has a file manager to hand a folder to; it replaces this handler.
    'app:open-folder': async () => fail('invalid-request', 'Opening a folder in the file manager needs the desktop app.', { hint: 'In a browser, use Browse to look inside it.' }),
    'app:pick-folder': async () => fail('invalid-request', 'Choosing a folder needs the desktop app; type the folder\'s path instead.'),
    'folders:list': async (req) => ok(listFolders(req.path)),
    'scheduler:set-concurrency': async (req) => {
      updateSettings(settings, (s) => ({ ...s, concurrency: req.concurrency }));
      scheduler.setConcurrency(req.concurrency);
      return ok({ concurrency: req.concurrency });
    },
    'alerts:set': async (req) => {
      const next: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, ...req };
      updateSettings(settings, (s) => ({ ...s, alerts: next }));
      return ok(next);
    },
    'runs:get': async (req) => {
      const run = history.get(req.runId);
      return run ? ok(run) : { ok: false, error: { kind: 'not-found', message: `There is no run ${req.runId}.` } };
    },
    ...restoreHandlers({ jobs, rclone, tools, children, holdPoint: (target, pointId) => locks.holdPoint(target, pointId), events, now }),
  }, audit, events);

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

// The scheduler inside a real core (real rclone, real SQLite), on a manual clock: scheduled and
// caught-up runs, multi-destination outcomes, destination missing, notifications and tray state.
import { execa } from 'execa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AppNotification } from '../../../shared/alerts.js';
import type { RunSummary } from '../../../shared/model.js';
import type { TrayState } from '../../../shared/tray-state.js';
import { type Core, type CoreOptions, createCore } from '../../../electron/core/core.js';
import { ManualClock } from '../../../electron/core/scheduler/clock.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { makeLibrary, sameTree } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);
const cores: Core[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close();
});

const noRetry = { maxAttempts: 1, initialDelayMs: 0, factor: 1, maxDelayMs: 0, jitterRatio: 0 };

function start(o: Omit<CoreOptions, 'host'> & { host?: CoreOptions['host'] }): Core {
  const core = createCore({ host: 'serve', timezone: 'UTC', retry: noRetry, ...o });
  cores.push(core);
  return core;
}

async function call<T>(core: Core, name: string, req: unknown): Promise<T> {
  const r = await dispatch(core.handlers, name, req);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as T;
}

// Resolves with the next finished run once the queue has let go of it (waits on facts, never on time).
const nextFinished = (core: Core) =>
  new Promise<RunSummary>((resolve) => {
    const off = core.events.on('runs:finished', (run) => {
      off();
      void core.scheduler.idle().then(() => resolve(run));
    });
  });

describe('scheduler in the core', () => {
  it('runs a job with a good and a broken destination: partial, the good one has the files, a notification names the broken one', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk', 'Sigur Rós'] });
    const config = join(root, 'rclone.conf');
    await execa('sh', ['-c', `printf '[dead]\\ntype = webdav\\nurl = http://127.0.0.1:9/\\n' > "${config}"`]);
    const core = start({ dataDir: join(root, 'data'), rcloneConfig: config, clock: new ManualClock(Date.parse('2026-06-01T10:00:00Z')) });
    const notes: AppNotification[] = [];
    const trays: TrayState[] = [];
    core.events.on('notifications:raised', (n) => notes.push(n));
    core.events.on('tray:state', (t) => trays.push(t));
    // A headless user's webhook on loopback receives the same notification as JSON.
    const posts: unknown[] = [];
    let posted!: () => void;
    const gotPost = new Promise<void>((r) => (posted = r));
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.writeHead(204).end();
        posted();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    await call(core, 'alerts:set', { notifyOnSuccess: false, webhookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/reprise` });
    const good = join(root, 'USB Backup');
    await call(core, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: good }, { kind: 'copy', target: 'dead:music' }] });

    const finished = nextFinished(core);
    const { runId } = await call<{ runId: number }>(core, 'runs:start', { name: 'Music' });
    const run = await finished;

    expect(run.id).toBe(runId);
    expect(run.outcome).toBe('partial');
    expect(run.trigger).toBe('manual');
    // Both destinations start at the same manual-clock instant, so their order is not fixed.
    expect(Object.fromEntries(run.destinations.map((d) => [d.target, d.outcome]))).toEqual({ [good]: 'success', 'dead:music': 'failed' });
    expect(sameTree(music, join(good, 'Music'))).toBe(true);
    const broken = run.destinations.find((d) => d.target === 'dead:music')!;
    expect(broken.firstError).toMatch(/^dead: the server at 127\.0\.0\.1:\d+ does not answer$/);
    expect(notes).toEqual([
      expect.objectContaining({ kind: 'partial', jobName: 'Music', runId, destination: 'dead:music', firstError: broken.firstError, title: 'Music partly backed up' }),
    ]);
    await gotPost;
    hook.close();
    expect(posts).toEqual([expect.objectContaining({ source: 'reprise', kind: 'partial', job: expect.objectContaining({ name: 'Music' }), destination: 'dead:music', firstError: broken.firstError, runId })]);
    expect(trays.at(-1)).toMatchObject({ icon: 'warning', header: { text: 'Music partly backed up just now — dead:music failed', action: { type: 'open-run', runId } } });
    // What changed is stored per destination: the good one got every file.
    const changes = await call<{ counts: { destId: string; added: number }[] }>(core, 'runs:changes', { runId });
    expect(changes.counts.find((c) => c.destId === run.destinations.find((d) => d.target === good)!.destId)?.added).toBe(6);
  });

  it('fires a scheduled run at its time, and after a restart catches up missed slots once', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Motörhead'] });
    const dataDir = join(root, 'data');
    const clock = new ManualClock(Date.parse('2026-06-01T02:30:00Z'));
    const core = start({ dataDir, clock });
    await call(core, 'jobs:add', { name: 'Nightly', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }], schedule: '0 3 * * *' });
    const status = await call<{ nextRuns: Record<string, number> }>(core, 'scheduler:status', {});
    expect(Object.values(status.nextRuns)).toEqual([Date.parse('2026-06-01T03:00:00Z')]);

    const first = nextFinished(core);
    clock.advanceTo(Date.parse('2026-06-01T03:00:00Z'));
    const run = await first;
    expect(run).toMatchObject({ trigger: 'schedule', outcome: 'success', startedAt: Date.parse('2026-06-01T03:00:00Z') });
    await core.close();
    cores.splice(0);

    // Off for three nights: one catch-up run at start, not three.
    const later = new ManualClock(Date.parse('2026-06-04T09:00:00Z'));
    const again = start({ dataDir, clock: later });
    const caught = await nextFinished(again);
    expect(caught).toMatchObject({ trigger: 'catch-up', outcome: 'success' });
    const all = await call<RunSummary[]>(again, 'runs:history', { name: 'Nightly' });
    expect(all.map((r) => r.trigger)).toEqual(['catch-up', 'schedule']);
    // Nothing else is due until the next 03:00.
    const st = await call<{ nextRuns: Record<string, number>; running: string[] }>(again, 'scheduler:status', {});
    expect(Object.values(st.nextRuns)).toEqual([Date.parse('2026-06-05T03:00:00Z')]);
    expect(st.running).toEqual([]);
  });

  it('skips a destination whose drive is gone ("destination missing") without recreating it, and says so', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk'] });
    const drive = join(root, 'drive');
    const core = start({ dataDir: join(root, 'data'), clock: new ManualClock(Date.parse('2026-06-01T10:00:00Z')) });
    const notes: AppNotification[] = [];
    core.events.on('notifications:raised', (n) => notes.push(n));
    await call(core, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: drive }] });
    let done = nextFinished(core);
    await call(core, 'runs:start', { name: 'Music' });
    expect((await done).outcome).toBe('success');
    expect(existsSync(join(drive, '.reprise-destination'))).toBe(true);

    rmSync(drive, { recursive: true }); // the drive was unplugged
    done = nextFinished(core);
    await call(core, 'runs:start', { name: 'Music' });
    const run = await done;
    expect(run.outcome).toBe('skipped');
    expect(run.destinations[0]).toMatchObject({ outcome: 'skipped', firstError: expect.stringContaining('is not available') });
    expect(existsSync(drive)).toBe(false);
    expect(notes.map((n) => [n.kind, n.destination])).toEqual([['destination-missing', drive]]);
    expect(readFileSync(run.logPath!, 'utf8')).toContain('# skipped: Destination');
    const tray = await call<TrayState>(core, 'tray:get', {});
    expect(tray).toMatchObject({ icon: 'warning', header: { text: `Music → ${drive} missing just now` } });
  });
});

describe('no successful backup for N days', () => {
  it('raises one "stale" notification when the job has not succeeded for its N days, not one a minute', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk'] });
    const clock = new ManualClock(Date.parse('2026-06-01T10:00:00Z'));
    const core = start({ dataDir: join(root, 'data'), clock });
    const notes: AppNotification[] = [];
    core.events.on('notifications:raised', (n) => notes.push(n));
    await call(core, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }], staleAfterDays: 2 });
    const done = nextFinished(core);
    await call(core, 'runs:start', { name: 'Music' });
    await done;
    clock.advanceTo(Date.parse('2026-06-02T10:00:00Z'));
    expect(notes).toEqual([]);
    // The machine sleeps three days; on wake the heartbeat notices, once.
    clock.jumpTo(Date.parse('2026-06-04T11:00:00Z'));
    clock.advanceTo(Date.parse('2026-06-04T13:00:00Z'));
    expect(notes.map((n) => [n.kind, n.title])).toEqual([['stale', 'Music: no successful backup for 3 days']]);
    const tray = await call<TrayState>(core, 'tray:get', {});
    expect(tray).toMatchObject({ icon: 'warning', header: { text: 'Music: no successful backup for 3 days' } });
  });
});

describe('verify after backup', () => {
  it('checks every copied file with rclone check and records it in the log', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk', '-dash "quoted"'] });
    const core = start({ dataDir: join(root, 'data'), clock: new ManualClock(Date.parse('2026-06-01T10:00:00Z')) });
    await call(core, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }], verify: true });
    const done = nextFinished(core);
    await call(core, 'runs:start', { name: 'Music' });
    const run = await done;
    expect(run.outcome).toBe('success');
    const log = readFileSync(run.logPath!, 'utf8');
    expect(log).toContain(`# verify: rclone check --one-way "${music}"`);
    expect(log).toMatch(/"msg":"6 matching files"/);
    expect(log).toContain('# verify: every file matches');
  });
});

describe('the run queue', () => {
  it('the concurrency limit set in Settings makes a second job wait its turn, and is kept across restarts', async () => {
    const root = tempDir();
    const [one, two] = [join(root, 'One'), join(root, 'Two')];
    makeLibrary(one, { artists: ['Björk'] });
    makeLibrary(two, { artists: ['Sigur Rós'] });
    const dataDir = join(root, 'data');
    const core = start({ dataDir });
    await expect(call(core, 'scheduler:set-concurrency', { concurrency: 0 })).rejects.toThrow(/at least one backup/);
    expect(await call(core, 'scheduler:set-concurrency', { concurrency: 1 })).toEqual({ concurrency: 1 });
    // The first job is slowed down so it is surely still running when the second is asked for.
    await call(core, 'jobs:add', { name: 'One', sources: [one], destinations: [{ kind: 'copy', target: join(root, 'b1') }], bwlimit: '200k' });
    await call(core, 'jobs:add', { name: 'Two', sources: [two], destinations: [{ kind: 'copy', target: join(root, 'b2') }] });
    const order: string[] = [];
    core.events.on('runs:started', (r) => order.push(`started ${r.jobName}`));
    core.events.on('runs:finished', (r) => order.push(`finished ${r.jobName} ${r.outcome}`));

    expect(await call(core, 'runs:start', { name: 'One' })).toMatchObject({ queued: false });
    expect(await call(core, 'runs:start', { name: 'Two' })).toEqual({ runId: null, queued: true, opId: null });
    const status = await call<{ running: string[]; queued: string[]; concurrency: number }>(core, 'scheduler:status', {});
    expect(status).toMatchObject({ concurrency: 1, running: [expect.any(String)], queued: [expect.any(String)] });
    await new Promise<void>((resolve) => {
      const off = core.events.on('runs:finished', (r) => r.jobName === 'Two' && (off(), resolve()));
    });
    expect(order).toEqual(['started One', 'finished One success', 'started Two', 'finished Two success']);

    // Raising the limit again lets both run side by side.
    expect(await call(core, 'scheduler:set-concurrency', { concurrency: 2 })).toEqual({ concurrency: 2 });
    await core.close();
    cores.splice(cores.indexOf(core), 1);
    const again = start({ dataDir });
    expect((await call<{ concurrency: number }>(again, 'scheduler:status', {})).concurrency).toBe(2);
  });
});

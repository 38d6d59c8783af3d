// A real `rclone copy` job through the core: to a local folder and to `rclone serve webdav` on
// loopback, with progress events, history rows, log files and cancellation.
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../shared/model.js';
import { type Core, createCore } from '../../electron/core/core.js';
import { ChildRunner } from '../../electron/core/process/child.js';
import { dispatch } from '../../electron/core/api/dispatch.js';
import { makeLibrary, sameTree } from '../support/library.js';
import { startWebDav, writeWebDavConfig } from '../support/servers.js';
import { cleanupTempDirs, tempDir } from '../support/tmp.js';

afterAll(cleanupTempDirs);
let core: Core | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

async function call(name: string, req: unknown) {
  const r = await dispatch(core!.handlers, name, req);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as never;
}

describe('copy job against real rclone', () => {
  it('copies a library to a local folder, emitting progress, history and a log', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music);
    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    const progress: RunProgress[] = [];
    core.events.on('runs:progress', (p) => progress.push(p));
    await call('jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'backup') }] });
    const { runId } = (await call('runs:start', { name: 'Music' })) as { runId: number };
    const run = (await core.runs.wait(runId))!;

    expect(run.outcome).toBe('success');
    expect(sameTree(music, join(root, 'backup', 'Music'))).toBe(true);
    expect(run.files).toBe(18);
    expect(run.bytes).toBe(6 * 2 * 20_000 + 6 * 500);
    expect(run.destinations).toHaveLength(1);
    expect(run.destinations[0]).toMatchObject({ outcome: 'success', files: 18 });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ runId, percent: 100, bytes: run.bytes, totalBytes: run.bytes });

    const history = (await call('runs:history', { name: 'Music' })) as { id: number; outcome: string }[];
    expect(history.map((r) => [r.id, r.outcome])).toEqual([[runId, 'success']]);
    const log = readFileSync(run.logPath!, 'utf8');
    expect(log).toContain('"msg":"Copied (new)"');
    expect(log).toContain('Sigur Rós');
  });

  it('a job with two destinations says in its progress which one the bytes belong to', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['A'] });
    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    const progress: RunProgress[] = [];
    core.events.on('runs:progress', (p) => progress.push(p));
    const [one, two] = [join(root, 'one'), join(root, 'two')];
    await call('jobs:add', { name: 'Twice', sources: [music], destinations: [{ kind: 'copy', target: one }, { kind: 'copy', target: two }] });
    const { runId } = (await call('runs:start', { name: 'Twice' })) as { runId: number };
    expect((await core.runs.wait(runId))!.outcome).toBe('success');

    const seen = [...new Set(progress.map((p) => `${p.destIndex}/${p.destCount} ${p.target}`))];
    expect(seen).toEqual([`1/2 ${one}`, `2/2 ${two}`]);
    // Each destination's bytes run up to its own total; the percent covers the whole run.
    const endOfFirst = progress.filter((p) => p.destIndex === 1).at(-1)!;
    expect(endOfFirst).toMatchObject({ percent: 50, bytes: endOfFirst.totalBytes });
    expect(progress.at(-1)).toMatchObject({ destIndex: 2, percent: 100 });
  });

  it('copies to rclone serve webdav on loopback through a remote', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk', 'Emoji 🎵 Band'] });
    const served = join(root, 'served');
    const server = await startWebDav(served);
    try {
      const config = await writeWebDavConfig(root, 'nas', server);
      core = createCore({ dataDir: join(root, 'data'), host: 'cli', rcloneConfig: config });
      expect(await call('remotes:list', {})).toEqual([{ name: 'nas', type: 'webdav', isCrypt: false }]);
      await call('jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: 'nas:backups' }] });
      const { runId } = (await call('runs:start', { name: 'Music' })) as { runId: number };
      const run = (await core.runs.wait(runId))!;
      expect(run.outcome).toBe('success');
      expect(sameTree(music, join(served, 'backups', 'Music'))).toBe(true);
      // The password never reaches the log.
      expect(readFileSync(run.logPath!, 'utf8')).not.toContain(server.pass);
    } finally {
      await server.stop();
    }
  });

  it('records a cancelled run as cancelled, leaves no child behind, and the next run completes', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['A', 'B'], tracksPerAlbum: 3, trackBytes: 1_500_000 });
    const children = new ChildRunner();
    core = createCore({ dataDir: join(root, 'data'), host: 'cli', children });
    await call('jobs:add', { name: 'Slow', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'backup') }], bwlimit: '2M' });
    const { runId, opId } = (await call('runs:start', { name: 'Slow' })) as { runId: number; opId: string };
    expect(opId).toBe(`run-${runId}`);
    // Cancel once real bytes have moved: a fact, not a timer.
    await new Promise<void>((resolve) => {
      const off = core!.events.on('runs:progress', (p) => {
        if (p.runId === runId && p.bytes > 0) {
          off();
          resolve();
        }
      });
    });
    expect(await call('ops:cancel', { id: opId })).toEqual({ cancelled: true });
    const cancelled = (await core.runs.wait(runId))!;
    expect(cancelled.outcome).toBe('cancelled');
    expect(cancelled.destinations[0]!.outcome).toBe('cancelled');
    expect(children.liveCount).toBe(0);
    const stray = await execa('pgrep', ['-f', `rclone.*${join(root, 'backup')}`], { reject: false });
    expect(stray.stdout).toBe('');

    const again = (await call('runs:start', { name: 'Slow' })) as { runId: number };
    const done = (await core.runs.wait(again.runId))!;
    expect(done.outcome).toBe('success');
    expect(sameTree(music, join(root, 'backup', 'Music'))).toBe(true);
    const hist = (await call('runs:history', {})) as { outcome: string }[];
    expect(hist.map((r) => r.outcome)).toEqual(['success', 'cancelled']);
  });

  it('refuses a second run of the same job while one is running', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['A'], trackBytes: 2_000_000 });
    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    await call('jobs:add', { name: 'Once', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'b') }], bwlimit: '1M' });
    const first = (await call('runs:start', { name: 'Once' })) as { runId: number };
    const second = await dispatch(core.handlers, 'runs:start', { name: 'Once' });
    expect(second).toMatchObject({ ok: false, error: { kind: 'busy', message: `"Once" is already running (run ${first.runId}).` } });
    core.runs.cancel(first.runId);
    expect((await core.runs.wait(first.runId))!.outcome).toBe('cancelled');
  });

  it('fails the run with a plain reason when the source vanished (unmounted disk) and copies nothing', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['A'] });
    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    await call('jobs:add', { name: 'Gone', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'b') }] });
    await execa('rm', ['-rf', music]);
    const { runId } = (await call('runs:start', { name: 'Gone' })) as { runId: number };
    const run = (await core.runs.wait(runId))!;
    expect(run.outcome).toBe('failed');
    expect(run.firstError).toBe(`The source folder "${music}" does not exist.`);
    expect(existsSync(join(root, 'b'))).toBe(false);
  });

  it('reports a broken destination as failed with rclone\'s first error', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['A'] });
    const config = join(root, 'rclone.conf');
    // A webdav remote on a port where nothing listens.
    await execa('sh', ['-c', `printf '[dead]\\ntype = webdav\\nurl = http://127.0.0.1:9/\\n' > "${config}"`]);
    // Connection refused is a network error: retried with backoff (short here), then reported.
    core = createCore({ dataDir: join(root, 'data'), host: 'cli', rcloneConfig: config, retry: { maxAttempts: 2, initialDelayMs: 50, factor: 2, maxDelayMs: 50, jitterRatio: 0 } });
    await call('jobs:add', { name: 'Dead', sources: [music], destinations: [{ kind: 'copy', target: 'dead:x' }] });
    const { runId } = (await call('runs:start', { name: 'Dead' })) as { runId: number };
    const run = (await core.runs.wait(runId))!;
    expect(run.outcome).toBe('failed');
    // In plain words; rclone's own line ("dial tcp …: connection refused") stays in the log.
    expect(run.destinations[0]!.firstError).toBe('dead: the server at 127.0.0.1:9 does not answer');
    // The policy sees rclone's exit code, not only its words.
    const log = readFileSync(run.logPath!, 'utf8');
    expect(log).toMatch(/# attempt 1 of 2 failed \(rclone exit \d+: dead: the server at 127\.0\.0\.1:9 does not answer\); retrying in 0 s/);
    expect(log).toContain('connection refused');
  });
});


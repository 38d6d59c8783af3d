// What a host needs of a run in another process is in the contract: who holds the job
// (jobs:holder), stop it (ops:cancel with the run's operation id), and wait for its end
// (runs:wait). A `reprise run` in a child process, and a second core on the same data dir asking
// through dispatch, as `reprise serve` or the app would.
import { randomUUID } from 'node:crypto';
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { startAuthorize } from '../../../electron/core/remotes/oauth.js';
import type { AuthorizeUpdate } from '../../../shared/remotes/types.js';
import { standInRunner } from '../../support/authorize-stand-in.js';
import { reprise, repriseBin } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

/** The first line of a child's output that pick accepts; the rest keeps flowing (to execa). */
function firstLine<T>(stream: NodeJS.ReadableStream, pick: (line: string) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString('utf8');
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const v = pick(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (v !== undefined) {
          stream.off('data', onData);
          return resolve(v);
        }
      }
    };
    stream.on('data', onData);
  });
}
const json = (line: string): { event?: string; runId?: number; bytes?: number } => {
  try {
    return JSON.parse(line) as { event?: string; runId?: number; bytes?: number };
  } catch {
    return {};
  }
};

describe('a run in another process, through the contract', () => {
  it('names its holder, is stopped by ops:cancel with its operation id, and runs:wait returns it finished', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const music = join(root, 'Music');
    // 20 MB at 1 MB/s: certainly still running while we look.
    makeLibrary(music, { artists: ['Múm'], tracksPerAlbum: 2, trackBytes: 10_000_000 });
    expect((await reprise(dataDir, ['job', 'add', 'Music', '--source', music, '--copy', join(root, 'dest'), '--bwlimit', '1M'])).exitCode).toBe(0);

    const child = execa(process.execPath, [repriseBin, '--data-dir', dataDir, '--json', 'run', 'Music'], { reject: false, timeout: 120_000 });
    const runId = await firstLine(child.stdout!, (l) => (json(l).event === 'started' ? json(l).runId : undefined));
    expect(runId).toBeGreaterThan(0);

    const core = createCore({ dataDir, host: 'cli' });
    try {
      const holder = await dispatch(core.handlers, 'jobs:holder', { name: 'Music' });
      expect(holder).toMatchObject({ ok: true, value: { holder: { label: 'reprise run', pid: child.pid, runId } } });
      // Still running: a short wait says so instead of hanging.
      expect(await dispatch(core.handlers, 'runs:wait', { runId, timeoutMs: 300 })).toMatchObject({ ok: false, error: { kind: 'busy' } });

      const waiting = dispatch(core.handlers, 'runs:wait', { runId, timeoutMs: 60_000 });
      expect(await dispatch(core.handlers, 'ops:cancel', { id: `run-${runId}` })).toEqual({ ok: true, value: { cancelled: true } });
      // The run ended in the other process: the wait here sees it in the history.
      expect(await waiting).toMatchObject({ ok: true, value: { id: runId, outcome: 'cancelled' } });
      expect((await child).exitCode).toBe(130);

      expect(await dispatch(core.handlers, 'jobs:holder', { name: 'Music' })).toEqual({ ok: true, value: { holder: null } });
      expect(await dispatch(core.handlers, 'ops:cancel', { id: `run-${runId}` })).toEqual({ ok: true, value: { cancelled: false } });
      expect(await dispatch(core.handlers, 'ops:cancel', { id: 'no-such-operation' })).toEqual({ ok: true, value: { cancelled: false } });
      expect(await dispatch(core.handlers, 'jobs:holder', { name: 'Nope' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    } finally {
      child.kill('SIGKILL');
      await core.close();
    }
  }, 120_000);

  it('ops:cancel stops a file operation by the id in its request; Ctrl-C on `reprise files copy` exits 130', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Múm'], tracksPerAlbum: 2, trackBytes: 10_000_000 });
    const core = createCore({ dataDir, host: 'cli' });
    try {
      const id = randomUUID();
      const moving = new Promise<void>((resolve) => {
        const off = core.events.on('files:progress', (p) => p.id === id && p.bytes > 0 && (off(), resolve()));
      });
      const copy = dispatch(core.handlers, 'files:transfer', { op: 'copy', from: music, to: join(root, 'copy'), bwlimit: '1M', id });
      await moving;
      expect(await dispatch(core.handlers, 'ops:cancel', { id })).toEqual({ ok: true, value: { cancelled: true } });
      expect(await copy).toMatchObject({ ok: true, value: { outcome: 'cancelled' } });
      expect(await dispatch(core.handlers, 'ops:cancel', { id })).toEqual({ ok: true, value: { cancelled: false } });
    } finally {
      await core.close();
    }

    const child = execa(process.execPath, [repriseBin, '--data-dir', dataDir, '--json', 'files', 'copy', music, join(root, 'copy2'), '--bwlimit', '1M'], { reject: false, timeout: 120_000 });
    await firstLine(child.stderr!, (l) => (json(l).event === 'progress' && (json(l).bytes ?? 0) > 0 ? true : undefined));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(JSON.parse(String(r.stdout))).toMatchObject({ outcome: 'cancelled' });
  }, 120_000);

  it('ops:cancel stops an OAuth sign-in by the sessionId remotes:add answered', async () => {
    const root = tempDir();
    const saved = process.env.XDG_CONFIG_HOME;
    // rclone's default config then lives in the temp dir, never the real one.
    process.env.XDG_CONFIG_HOME = join(root, 'xdg');
    const token = '{"access_token":"ya29.door-fake","token_type":"Bearer","refresh_token":"1//door","expiry":"2030-01-01T00:00:00Z"}';
    const core = createCore({
      dataDir: join(root, 'data'),
      host: 'cli',
      remotes: {
        authorize: (runner, type) => {
          const pending = standInRunner(root, token, runner).then((r) => startAuthorize(r, type));
          return { link: pending.then((x) => x.link), token: pending.then((x) => x.token), pid: undefined, cancel: () => pending.then((x) => x.cancel()) };
        },
      },
    });
    const updates: AuthorizeUpdate[] = [];
    let wake = () => {};
    core.events.on('remotes:authorize', (u) => {
      updates.push(u);
      wake();
    });
    const until = async (fact: () => boolean) => {
      while (!fact()) await new Promise<void>((r) => (wake = r));
    };
    try {
      const out = await dispatch(core.handlers, 'remotes:add', { name: 'box1', type: 'box', options: {} });
      expect(out).toMatchObject({ ok: true, value: { status: 'authorize' } });
      const sessionId = (out as { value: { sessionId: string } }).value.sessionId;
      await until(() => updates.some((u) => u.sessionId === sessionId && u.state === 'waiting'));
      expect(await dispatch(core.handlers, 'ops:cancel', { id: sessionId })).toEqual({ ok: true, value: { cancelled: true } });
      await until(() => updates.some((u) => u.sessionId === sessionId && u.state === 'cancelled'));
    } finally {
      await core.close();
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  }, 60_000);
});

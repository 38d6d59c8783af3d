// A WebDAV server (`rclone serve webdav` on loopback) dies mid-run and is not restarted. The run
// must end on its own, with the cause in plain words: frozen (SIGSTOP: connections hang, nothing
// moves) or killed (SIGKILL: rclone 1.60's webdav uploads then hang with no error at all), the
// stall watchdog ends it, and a probe of the server's port tells "stopped answering" (frozen)
// from "does not answer" (dead).
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../electron/core/core.js';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { makeLibrary } from '../../support/library.js';
import { leftRcloneLogs } from '../../support/procs.js';
import { type TestServer, startRcloneServe } from '../../support/remote-servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let core: Core | null = null;
let server: TestServer | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
  if (server?.pid) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await server?.stop();
  server = null;
});
afterAll(cleanupTempDirs);

async function call(name: string, req: unknown) {
  const r = await dispatch(core!.handlers, name, req);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as never;
}

const children = new ChildRunner();

// A library big enough that, at 4 MB/s, the run is certainly still going when the server dies.
async function setUp(stallAfterSeconds: number) {
  const root = tempDir('reprise-dead-server-');
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], tracksPerAlbum: 5, trackBytes: 4_000_000 });
  server = await startRcloneServe('webdav', join(root, 'served'), { user: 'reprise', pass: 'secret words' });
  const obscured = (await execa('rclone', ['obscure', server.pass])).stdout.trim();
  const config = join(root, 'rclone.conf');
  writeFileSync(config, `[dav]\ntype = webdav\nurl = ${server.url}\nvendor = other\nuser = ${server.user}\npass = ${obscured}\n`, { mode: 0o600 });
  const data = join(root, 'data');
  // settings.network: the watchdog in seconds for the test, and no retry (one attempt).
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'settings.json'), JSON.stringify({ version: 1, jobs: [], network: { stallAfterSeconds, retryAttempts: 1 } }));
  core = createCore({ dataDir: data, host: 'cli', rcloneConfig: config, children });
  await call('jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: 'dav:music' }], bwlimit: '4M' });
  return { root, port: server.port, pid: server.pid! };
}

// Starts the run and calls `kill` once bytes are really flowing to the server.
async function runAndKillMidway(kill: () => void) {
  let killedAt = 0;
  core!.events.on('runs:progress', (p) => {
    if (!killedAt && p.bytes > 0 && p.percent < 50) {
      killedAt = Date.now();
      kill();
    }
  });
  const { runId } = (await call('runs:start', { name: 'Music' })) as { runId: number };
  const run = (await core!.runs.wait(runId))!;
  return { run, killedAt, endedAfterMs: Date.now() - killedAt };
}

describe('a server that dies mid-run', () => {
  it('frozen: the stall watchdog ends the run and says the server stopped answering', async () => {
    const { port, pid } = await setUp(3);
    const { run, killedAt, endedAfterMs } = await runAndKillMidway(() => process.kill(pid, 'SIGSTOP'));
    expect(killedAt).toBeGreaterThan(0);
    expect(run.outcome).toBe('failed');
    expect(run.destinations[0]!.firstError).toBe(`dav: the server at 127.0.0.1:${port} stopped answering (nothing moved for 3 s); the transfer was ended.`);
    expect(run.firstError).toBe(run.destinations[0]!.firstError);
    // Socket buffers take a few seconds to fill before nothing moves; then 3 s of quiet.
    expect(endedAfterMs).toBeLessThan(45_000);
    expect(children.liveCount).toBe(0);
    expect(leftRcloneLogs(process.pid)).toEqual([]);
  });

  it('killed: the run ends too (rclone 1.60 itself waits forever here) and says the server does not answer', async () => {
    const { port, pid } = await setUp(3);
    const { run, killedAt, endedAfterMs } = await runAndKillMidway(() => process.kill(pid, 'SIGKILL'));
    expect(killedAt).toBeGreaterThan(0);
    expect(run.outcome).toBe('failed');
    // Its port now refuses connections: dead, not merely slow.
    expect(run.destinations[0]!.firstError).toBe(`dav: the server at 127.0.0.1:${port} does not answer (nothing moved for 3 s); the transfer was ended.`);
    expect(endedAfterMs).toBeLessThan(45_000);
    expect(children.liveCount).toBe(0);
  });
});

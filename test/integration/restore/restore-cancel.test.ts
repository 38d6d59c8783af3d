// Stopping a restore: Ctrl-C on `reprise restore` and ops:cancel (the restore's id) from the window stop rsync
// (which runs in its own process group, out of reach of the terminal's signal), keep what was
// restored so far, and leave nothing running; the next restore completes.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { reprise, repriseBin } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const ALBUM = 'music/Slow Artist/Long Album (2025)';
let root: string;
let data: string;
let slowRsync: string;
let bigTrack: Buffer;

// Processes whose command line mentions this test's folder (rsync children among them).
function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(marker) && Number(pid) !== process.pid) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

beforeAll(async () => {
  root = tempDir();
  data = join(root, 'data');
  const album = join(root, ...ALBUM.split('/'));
  mkdirSync(album, { recursive: true });
  bigTrack = Buffer.alloc(6_000_000, 5);
  writeFileSync(join(album, '01 Long.flac'), bigTrack);
  writeFileSync(join(album, '02 Short.flac'), 'short');
  mkdirSync(join(root, 'snapshots'));
  const add = await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'music'), '--snapshot', join(root, 'snapshots')]);
  expect(add.exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);
  // Real rsync, held to 500 KB/s so a restore is surely still copying when it is stopped.
  slowRsync = join(root, 'slow-rsync');
  writeFileSync(slowRsync, '#!/bin/sh\nexec rsync --bwlimit=500 "$@"\n');
  chmodSync(slowRsync, 0o755);
});
afterAll(cleanupTempDirs);

describe('stopping a restore', () => {
  it('Ctrl-C on `reprise restore` stops rsync, exits 130 and leaves nothing running', async () => {
    const to = join(root, 'restored-cli');
    mkdirSync(to);
    const child = spawn(process.execPath, [repriseBin, '--data-dir', data, 'restore', 'Music', '--path', ALBUM, '--to', to, '--json'], {
      env: { ...process.env, REPRISE_RSYNC: slowRsync },
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let last: unknown = null;
    for await (const line of createInterface({ input: child.stdout })) {
      const event = JSON.parse(line) as { event?: string; phase?: string; bytes?: number };
      if (event.event === 'progress' && event.phase === 'copying' && (event.bytes ?? 0) > 0 && child.signalCode === null && !child.killed) child.kill('SIGINT');
      last = event;
    }
    expect(await exited).toBe(130);
    // --json ends with the error as JSON, like every other command.
    expect(last).toMatchObject({ ok: false, error: { kind: 'cancelled', message: expect.stringContaining('The restore was stopped') } });
    expect(processesMentioning(root)).toEqual([]);
  });

  it('ops:cancel stops a restore started from the window; the next restore completes and verifies', async () => {
    const core = createCore({ dataDir: data, host: 'serve', tools: { rclone: 'rclone', rsync: slowRsync } });
    try {
      const to = join(root, 'restored-ui');
      mkdirSync(to);
      expect(await dispatch(core.handlers, 'ops:cancel', { id: 'nothing-running' })).toEqual({ ok: true, value: { cancelled: false } });
      const copying = new Promise<void>((resolve) => {
        const off = core.events.on('restore:progress', (p) => p.restoreId === 'r1' && p.phase === 'copying' && p.bytes > 0 && (off(), resolve()));
      });
      const restore = dispatch(core.handlers, 'restore:run', { name: 'Music', path: ALBUM, to, restoreId: 'r1' });
      await copying;
      expect(await dispatch(core.handlers, 'ops:cancel', { id: 'r1' })).toEqual({ ok: true, value: { cancelled: true } });
      const stopped = await restore;
      expect(stopped).toMatchObject({ ok: false, error: { kind: 'cancelled' } });
      expect(processesMentioning(root)).toEqual([]);
    } finally {
      await core.close();
    }
    // With rsync at full speed again the same restore completes, byte-identical and verified.
    const to = join(root, 'restored-ui');
    const done = await reprise(data, ['restore', 'Music', '--path', ALBUM, '--to', to, '--conflict', 'overwrite', '--json']);
    expect(done.exitCode).toBe(0);
    expect(done.stdout).toContain('"verified":true');
    expect(readFileSync(join(to, 'Long Album (2025)', '01 Long.flac')).equals(bigTrack)).toBe(true);
  });
});

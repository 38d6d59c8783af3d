// Snapshots, mirrors and restores through the `reprise` command as a user runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../../support/cli.js';
import { generateLibrary, trackBytes } from '../../support/music-library.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const WALL = 'music/Pink Floyd/The Wall (1979)';
let root: string;
let music: string;
let snaps: string;
let data: string;
let config: string;
let server: WebDavServer;

beforeAll(async () => {
  root = tempDir();
  music = join(root, 'music');
  snaps = join(root, 'snapshots');
  data = join(root, 'data');
  mkdirSync(snaps);
  mkdirSync(join(root, 'dav'));
  generateLibrary(music);
  server = await startWebDav(join(root, 'dav'));
  config = await writeWebDavConfig(root, 'dav', server);
});
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => reprise(data, ['--rclone-config', config, ...args], env);
type Points = Array<{ kind: string; target: string; points: Array<{ id: string; latest: boolean; newBytes: number | null }> }>;

describe('reprise snapshots / restore / verify', () => {
  let firstSnap = '';
  let firstMirror = '';

  it('backs up to a snapshot folder and a versioned mirror and lists their restore points', async () => {
    const add = await cli(['job', 'add', 'Music', '--source', music, '--snapshot', snaps, '--mirror', 'dav:backup', '--keep-last', '10', '--keep-daily', '30', '--json']);
    expect(add.exitCode).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ destinations: [{ kind: 'snapshot' }, { kind: 'mirror' }], retention: { keepLast: 10, keepDaily: 30 } });
    const bad = await cli(['job', 'add', 'Bad', '--source', music, '--snapshot', 'dav:x']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/Snapshots need a local or NAS folder/);

    expect((await cli(['run', 'Music'])).exitCode).toBe(0);
    writeFileSync(join(music, 'Pink Floyd', 'The Wall (1979)', '02 Track 2.flac'), 'a longer remastered track two');
    rmSync(join(music, 'Pink Floyd', 'The Wall (1979)', '03 Track 3.flac'));
    const second = await cli(['run', 'Music']);
    expect(second.exitCode).toBe(0);

    const listed = await cli(['snapshots', 'Music', '--json']);
    const points = JSON.parse(listed.stdout) as Points;
    expect(points.map((d) => [d.kind, d.points.length])).toEqual([
      ['snapshot', 2],
      ['mirror', 2],
    ]);
    firstSnap = points[0]!.points[1]!.id;
    firstMirror = points[1]!.points[1]!.id;
    expect(readlinkSync(join(snaps, 'latest'))).toBe(points[0]!.points[0]!.id);
    const human = await cli(['snapshots', 'Music']);
    expect(human.stdout).toContain(`snapshot ${snaps}`);
    expect(human.stdout).toContain('latest');
    // In words, not the record's own ('ok').
    expect(human.stdout).toMatch(/STATE/);
    expect(human.stdout).toMatch(/ Complete /);
    expect(human.stdout).not.toMatch(/ ok /);
    // The second snapshot copied one changed track and hard-linked the rest.
    expect(points[0]!.points[0]).toMatchObject({ newBytes: 'a longer remastered track two'.length });
    expect(human.stdout).toMatch(/2 snapshots: .* apparent, about .* of data on disk/);
  });

  it('restores the album as it was, from the snapshot and from the mirror, byte-identical and verified', async () => {
    for (const [from, at] of [
      [snaps, firstSnap],
      ['dav:backup', firstMirror],
    ] as const) {
      const to = tempDir();
      const dry = await cli(['restore', 'Music', '--path', WALL, '--at', at, '--from', from, '--to', to, '--dry-run', '--json']);
      expect(dry.exitCode).toBe(0);
      expect(JSON.parse(dry.stdout.trim().split('\n').at(-1)!)).toMatchObject({ event: 'finished', dryRun: true, createFiles: 5 });
      expect(readdirSync(to)).toEqual([]);
      const r = await cli(['restore', 'Music', '--path', WALL, '--at', at, '--from', from, '--to', to]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/✓ verified/);
      const album = join(to, 'The Wall (1979)');
      expect(readdirSync(album).sort()).toEqual(['01 Track 1.flac', '02 Track 2.flac', '03 Track 3.flac', '04 Track 4.flac', 'cover.jpg']);
      for (const n of [1, 2, 3, 4]) expect(readFileSync(join(album, `0${n} Track ${n}.flac`)).equals(trackBytes('Pink Floyd', 'The Wall (1979)', n))).toBe(true);
    }
  });

  it('a new machine (fresh data dir, no history) sees the same restore points and restores from them', async () => {
    const fresh = join(root, 'new-machine-data');
    const other = (args: string[]) => reprise(fresh, ['--rclone-config', config, ...args]);
    // On the new machine the library is gone; the job is pointed at the existing destinations.
    const newHome = join(root, 'new-home', 'music');
    mkdirSync(newHome, { recursive: true });
    writeFileSync(join(newHome, 'placeholder.txt'), 'x');
    expect((await other(['job', 'add', 'Music', '--source', newHome, '--snapshot', snaps, '--mirror', 'dav:backup'])).exitCode).toBe(0);
    const points = JSON.parse((await other(['snapshots', 'Music', '--json'])).stdout) as Points;
    expect(points.map((d) => d.points.map((p) => p.id))).toEqual(
      (JSON.parse((await cli(['snapshots', 'Music', '--json'])).stdout) as Points).map((d) => d.points.map((p) => p.id)),
    );
    const to = tempDir();
    const r = await other(['restore', 'Music', '--path', WALL, '--at', firstSnap, '--from', snaps, '--to', to]);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(to, 'The Wall (1979)', '03 Track 3.flac')).equals(trackBytes('Pink Floyd', 'The Wall (1979)', 3))).toBe(true);
  });

  it('refuses path escapes and unknown restore points with exit code 2', async () => {
    const to = tempDir();
    for (const path of ['../../etc', '/etc/passwd', 'music/../../../etc']) {
      const r = await cli(['restore', 'Music', '--path', path, '--to', to]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/reprise: /);
    }
    expect((await cli(['restore', 'Music', '--path', WALL, '--at', '1999-01-01T000000Z', '--to', to])).exitCode).toBe(2);
    expect(readdirSync(to)).toEqual([]);
  });

  it('verify checks the newest points against their records: a file gone from the backup is named', async () => {
    const clean = await cli(['verify', 'Music', '--json']);
    expect(clean.exitCode).toBe(0);
    expect((JSON.parse(clean.stdout) as Array<{ ok: boolean }>).map((v) => v.ok)).toEqual([true, true]);
    // A change of the live source is not a fault of the backup: the points still hold what they say.
    writeFileSync(join(music, 'Björk', 'Homogenic (1997)', 'new.flac'), 'not backed up yet');
    expect((await cli(['verify', 'Music'])).exitCode).toBe(0);
    const latest = readlinkSync(join(snaps, 'latest'));
    rmSync(join(snaps, latest, 'music', 'Björk', 'Homogenic (1997)', 'front.jpg'));
    const dirty = await cli(['verify', 'Music']);
    expect(dirty.exitCode).toBe(1);
    expect(dirty.stdout).toContain('- music/Björk/Homogenic (1997)/front.jpg');
    rmSync(join(music, 'Björk', 'Homogenic (1997)', 'new.flac'));
  });

  it('killing Reprise mid-run leaves the previous snapshot and latest intact; the next run completes', async () => {
    const latestBefore = readlinkSync(join(snaps, 'latest'));
    writeFileSync(join(music, 'big.bin'), Buffer.alloc(6_000_000, 5));
    // A slow rsync (bandwidth-limited) so the kill lands while it copies; it notes its pid.
    const pidFile = join(root, 'rsync.pid');
    const slow = join(root, 'slow-rsync');
    writeFileSync(slow, `#!/bin/sh\necho $$ > "${pidFile}"\nexec rsync --bwlimit=1m "$@"\n`);
    chmodSync(slow, 0o755);
    const staging = join(snaps, '.reprise-staging');
    const stagingSeen = new Promise<void>((resolve) => {
      const w = watch(snaps, () => {
        if (existsSync(staging)) {
          w.close();
          resolve();
        }
      });
    });
    const child: ChildProcess = spawn(process.execPath, [repriseBin, '--data-dir', data, '--rclone-config', config, 'run', 'Music'], {
      env: { ...process.env, REPRISE_RSYNC: slow },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await stagingSeen;
    child.kill('SIGKILL');
    await exited;
    // rsync lost its reader; make sure it is gone before the next run (it dies on its next write).
    const rsyncPid = Number(readFileSync(pidFile, 'utf8'));
    try {
      process.kill(-rsyncPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    expect(readlinkSync(join(snaps, 'latest'))).toBe(latestBefore);
    expect(existsSync(join(snaps, latestBefore, 'music', 'big.bin'))).toBe(false);

    const next = await cli(['run', 'Music']);
    expect(next.exitCode).toBe(0);
    const latest = readlinkSync(join(snaps, 'latest'));
    expect(latest).not.toBe(latestBefore);
    expect(readFileSync(join(snaps, latest, 'music', 'big.bin')).equals(Buffer.alloc(6_000_000, 5))).toBe(true);
    expect(existsSync(staging)).toBe(false);
    const history = JSON.parse((await cli(['history', 'Music', '--json'])).stdout) as Array<{ outcome: string }>;
    expect(history.map((h) => h.outcome)).toContain('interrupted');
  });
});

describe('a restore preview of more files than it names', () => {
  it('names the first 200 in the terminal and counts the rest from the totals, not from the names sent', async () => {
    const base = tempDir();
    const src = join(base, 'big');
    for (let a = 0; a < 6; a++) {
      mkdirSync(join(src, `Album ${a}`), { recursive: true });
      for (let t = 0; t < 100; t++) writeFileSync(join(src, `Album ${a}`, `${t} Track.flac`), `track ${a}/${t}`);
    }
    const own = (args: string[]) => reprise(join(base, 'data'), args);
    expect((await own(['job', 'add', 'Big', '--source', src, '--snapshot', join(base, 'snaps')])).exitCode).toBe(0);
    expect((await own(['run', 'Big'])).exitCode).toBe(0);
    const dry = await own(['restore', 'Big', '--path', 'big', '--to', join(base, 'out'), '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('600 new, 0 overwritten, 0 kept as they were');
    expect(dry.stdout.split('\n').filter((l) => /^ {2}create /.test(l)), dry.stdout.slice(0, 3000)).toHaveLength(200);
    expect(dry.stdout).toContain('… and 400 more');
    // The JSON names at most 500 and counts all 600.
    const events = (await own(['restore', 'Big', '--path', 'big', '--to', join(base, 'out'), '--dry-run', '--json'])).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; createFiles?: number; items?: unknown[] });
    const finished = events.find((e) => e.event === 'finished')!;
    expect(finished.createFiles).toBe(600);
    expect(finished.items).toHaveLength(500);
  });
});

// Faults never change an earlier point. Runs to a snapshot folder, a local mirror and a WebDAV mirror
// are interrupted on purpose — Reprise killed (-9) right after its intent and mid-transfer, its
// rsync/rclone killed, a Cancel, a full disk — and after each, every point is restored and compared
// with the source as it was at that point, bytes and metadata; then a run completes the job.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../../support/cli.js';
import { holdsAFile, processesMentioning, slowRsync, toolPids, waitFor } from '../../support/faults.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

let root: string;
let config: string;
let server: WebDavServer;
let slow: string;

beforeAll(async () => {
  root = tempDir();
  mkdirSync(join(root, 'dav'));
  server = await startWebDav(join(root, 'dav'));
  config = await writeWebDavConfig(root, 'dav', server);
  slow = slowRsync(root, 400);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

interface Setup {
  readonly kind: 'snapshot' | 'local mirror' | 'WebDAV mirror';
  readonly flag: string;
  readonly target: string;
  /** The destination's folder on this machine (the WebDAV server's own folder for the remote). */
  readonly folder: string;
  readonly tool: 'rsync' | 'rclone';
}

function library(dir: string): void {
  for (let a = 0; a < 4; a++) {
    const album = join(dir, `Artist ${a}`, `Album (${2000 + a})`);
    mkdirSync(album, { recursive: true });
    for (let t = 0; t < 10; t++) writeFileSync(join(album, `${t} Track.flac`), randomBytes(60_000));
  }
}

/**
 * Edits (same size), adds and deletes tracks: the next run replaces, adds and deletes. Each round
 * writes new bytes, so a run is never finished before it can be interrupted.
 */
function change(dir: string, round: number): void {
  for (let t = 0; t < 6; t++) writeFileSync(join(dir, 'Artist 0', 'Album (2000)', `${t} Track.flac`), randomBytes(60_000));
  rmSync(join(dir, 'Artist 1', 'Album (2001)', `${round} Track.flac`), { force: true });
  mkdirSync(join(dir, `New ${round}`), { recursive: true });
  writeFileSync(join(dir, `New ${round}`, 'track.flac'), randomBytes(1_500_000));
}

const setups = (): Setup[] => [
  { kind: 'snapshot', flag: '--snapshot', target: join(root, 'snapshots'), folder: join(root, 'snapshots'), tool: 'rsync' },
  { kind: 'local mirror', flag: '--mirror', target: join(root, 'mirror'), folder: join(root, 'mirror'), tool: 'rclone' },
  { kind: 'WebDAV mirror', flag: '--mirror', target: 'dav:backup', folder: join(root, 'dav', 'backup'), tool: 'rclone' },
];

describe.each(['snapshot', 'local mirror', 'WebDAV mirror'] as const)('faults during runs to a %s', (kindName) => {
  let s: Setup;
  let data: string;
  let src: string;
  const truthOf = new Map<string, string[]>();
  const env = (): NodeJS.ProcessEnv => ({ REPRISE_RSYNC: slow });
  const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args], env());

  const points = async (): Promise<string[]> => {
    const r = await cli(['snapshots', 'J', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const [d] = JSON.parse(r.stdout) as Array<{ warnings: string[]; points: Array<{ id: string }> }>;
    expect(d!.warnings).toEqual([]);
    return d!.points.map((p) => p.id).reverse();
  };

  /** A run that completes; the truth of the point it makes is the source as it is now. */
  const completeRun = async (): Promise<void> => {
    const truth = describeTree(src);
    const before = await points();
    const r = await cli(['run', 'J']);
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
    const after = await points();
    const made = after.filter((id) => !before.includes(id));
    expect(made).toHaveLength(1);
    truthOf.set(made[0]!, truth);
  };

  /** Every point restores exactly its truth. */
  const checkEveryPoint = async (when: string): Promise<void> => {
    const ids = await points();
    expect(ids.length).toBe(truthOf.size);
    for (const id of ids) {
      const to = tempDir();
      const r = await cli(['restore', 'J', '--path', 'music', '--at', id, '--to', to]);
      expect(r.exitCode, `${when}: restore of ${id}: ${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('✓ verified');
      expect(treeDiff(truthOf.get(id)!, describeTree(join(to, 'music'))), `${when}: point ${id}`).toEqual([]);
      rmSync(to, { recursive: true, force: true });
    }
  };

  const start = (): ChildProcess => spawn(process.execPath, [repriseBin, '--data-dir', data, '--rclone-config', config, 'run', 'J'], { env: { ...process.env, ...env() }, stdio: 'ignore' });
  const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

  const intents = (): string[] => (existsSync(join(s.folder, 'records')) ? readdirSync(join(s.folder, 'records')).filter((n) => n.endsWith('.intent.json')) : []);
  /** Data of the run under way has landed: rsync's staging folder, or a version folder of a run after the known points. */
  const midTransfer = (known: readonly string[]) => (): boolean => {
    if (s.kind === 'snapshot') return holdsAFile(join(s.folder, '.reprise-staging'));
    const versions = join(s.folder, 'versions');
    return existsSync(versions) && readdirSync(versions).some((d) => !known.includes(d) && holdsAFile(join(versions, d)));
  };
  const lastRun = async () => (JSON.parse((await cli(['history', 'J', '--json'])).stdout) as Array<{ outcome: string; firstError: string | null }>)[0]!;

  beforeAll(async () => {
    s = setups().find((x) => x.kind === kindName)!;
    data = join(root, `data-${s.kind.replace(/\W/g, '')}`);
    src = join(root, `src-${s.kind.replace(/\W/g, '')}`, 'music');
    library(src);
    // Transfers slow enough to be caught in the middle: rclone by the job's own limit, rsync by a wrapper.
    const add = await cli(['job', 'add', 'J', '--source', src, s.flag, s.target, ...(s.tool === 'rclone' ? ['--bwlimit', '600k'] : [])]);
    expect(add.exitCode, add.stderr).toBe(0);
    await completeRun();
  }, 120_000);

  it('Reprise killed right after writing its intent: the earlier point is untouched', async () => {
    change(src, 1);
    const child = start();
    await waitFor('the run\'s intent', () => intents().length > 0);
    child.kill('SIGKILL');
    await exited(child);
    await waitFor(`${s.tool} to end with Reprise`, () => toolPids(s.tool, root).length === 0, 10_000);
    expect((await lastRun()).outcome).toBe('interrupted');
    await checkEveryPoint('after a kill right after the intent');
  });

  it('Reprise killed mid-transfer: no child outlives it, every earlier point restores exactly', async () => {
    change(src, 2);
    const known = await points();
    const child = start();
    await waitFor('data of the run to land', midTransfer([...known, ...readdirVersions()]));
    child.kill('SIGKILL');
    await exited(child);
    await waitFor(`${s.tool} to end with Reprise`, () => toolPids(s.tool, root).length === 0, 10_000);
    expect(processesMentioning(s.folder)).toEqual([]);
    expect((await lastRun()).outcome).toBe('interrupted');
    await checkEveryPoint('after a kill mid-transfer');
  });

  it(`${kindName === 'snapshot' ? 'rsync' : 'rclone'} killed mid-transfer: the run fails saying so, every earlier point restores exactly`, async () => {
    change(src, 3);
    const known = await points();
    const child = start();
    await waitFor('data of the run to land', midTransfer([...known, ...readdirVersions()]));
    const pids = toolPids(s.tool, root);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    expect(await exited(child)).toBe(1);
    const run = await lastRun();
    expect(run.outcome).toBe('failed');
    expect(run.firstError).toMatch(/stopped by a signal/);
    await checkEveryPoint('after the child was killed');
  });

  it('a Cancel mid-transfer: the run is cancelled, every earlier point restores exactly', async () => {
    change(src, 4);
    const known = await points();
    const child = start();
    await waitFor('data of the run to land', midTransfer([...known, ...readdirVersions()]));
    const c = await cli(['cancel', 'J']);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(await exited(child)).toBe(130);
    expect((await lastRun()).outcome).toBe('cancelled');
    await checkEveryPoint('after a cancel');
  });

  it('the next run reconciles what the interrupted ones left and makes a point; all points restore exactly', async () => {
    await completeRun();
    change(src, 5);
    await completeRun();
    expect(intents()).toEqual([]);
    await checkEveryPoint('after the runs that completed');
    const v = await cli(['verify', 'J', '--deep']);
    expect(v.exitCode, v.stdout).toBe(0);
  });

  function readdirVersions(): string[] {
    const v = join(s.folder, 'versions');
    return existsSync(v) ? readdirSync(v) : [];
  }
});

describe.each(['snapshot', 'local mirror'] as const)('a full disk under a %s', (kindName) => {
  it('fails with a clear message, takes nothing half-written for a point, and the next run completes', async (ctx) => {
    const mnt = tempDir('reprise-full-');
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mnt]);
    } catch {
      ctx.skip();
      return;
    }
    try {
      const data = tempDir();
      const src = join(tempDir(), 'music');
      mkdirSync(join(src, 'A'), { recursive: true });
      for (let i = 0; i < 10; i++) writeFileSync(join(src, 'A', `${i}.flac`), randomBytes(150_000));
      const target = join(mnt, 'backup');
      const cli = (args: string[]) => reprise(data, args);
      expect((await cli(['job', 'add', 'F', '--source', src, kindName === 'snapshot' ? '--snapshot' : '--mirror', target])).exitCode).toBe(0);
      const truth1 = describeTree(src);
      expect((await cli(['run', 'F'])).exitCode).toBe(0);
      mkdirSync(join(src, 'Big'));
      for (let i = 0; i < 8; i++) writeFileSync(join(src, 'Big', `${i}.flac`), randomBytes(700_000));
      const full = await cli(['run', 'F']);
      expect(full.exitCode).toBe(1);
      expect(`${full.stdout}${full.stderr}`).toMatch(/full|no space left/i);
      const pts = JSON.parse((await cli(['snapshots', 'F', '--json'])).stdout) as Array<{ points: Array<{ id: string }> }>;
      expect(pts[0]!.points).toHaveLength(1);
      const to = tempDir();
      const r = await cli(['restore', 'F', '--path', 'music', '--to', to]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(treeDiff(truth1, describeTree(join(to, 'music')))).toEqual([]);
      rmSync(join(src, 'Big'), { recursive: true });
      const after = await cli(['run', 'F']);
      expect(after.exitCode, `${after.stdout}${after.stderr}`).toBe(0);
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  });
});

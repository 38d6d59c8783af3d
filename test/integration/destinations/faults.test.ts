// Faults never change an earlier point. Runs to a snapshot folder, a local mirror and a WebDAV mirror
// are interrupted on purpose — Reprise killed (-9) right after its intent and mid-transfer, its
// rsync/rclone killed, a Cancel, a full disk — and after each, every point is restored and compared
// with the source as it was at that point, bytes and metadata; then a run completes the job.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../../support/cli.js';
import { holdsAFile, slowRsync, toolPids } from '../../support/faults.js';
import { processesMentioning, waitFor } from '../../support/procs.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const log = (line: string) => process.env.REPRISE_TEST_DEBUG && process.stderr.write(`${line}\n`);
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
  writeFileSync(join(dir, `New ${round}`, 'track.flac'), randomBytes(3_000_000));
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
  // Only the runs that are to be interrupted copy slowly; the others and restores at full speed.
  const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);

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

  const start = (): ChildProcess => spawn(process.execPath, [repriseBin, '--data-dir', data, '--rclone-config', config, 'run', 'J'], { env: { ...process.env, REPRISE_RSYNC: slow }, stdio: 'ignore' });
  const exited = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

  const intents = (): string[] => (existsSync(join(s.folder, 'records')) ? readdirSync(join(s.folder, 'records')).filter((n) => n.endsWith('.intent.json')) : []);
  /**
   * Data of the run under way is moving: rsync copying into its staging folder; rclone moving old
   * versions into a new version folder, or uploading the round's new track (a remote without times
   * sees same-size edits only in the pass after the sync, so the upload is the first sign there).
   */
  const midTransfer = (known: readonly string[], round: number) => (): boolean => {
    if (s.kind === 'snapshot') return toolPids('rsync', src).length > 0 && holdsAFile(join(s.folder, '.reprise-staging'));
    const versions = join(s.folder, 'versions');
    const moved = existsSync(versions) && readdirSync(versions).some((d) => !known.includes(d) && holdsAFile(join(versions, d)));
    return toolPids('rclone', src).length > 0 && (moved || holdsAFile(join(s.folder, 'current', 'music', `New ${round}`)));
  };
  const lastRun = async () => (JSON.parse((await cli(['history', 'J', '--json'])).stdout) as Array<{ outcome: string; firstError: string | null; bytes: number; destinations: Array<{ bytes: number }> }>)[0]!;

  beforeAll(async () => {
    s = setups().find((x) => x.kind === kindName)!;
    data = join(root, `data-${s.kind.replace(/\W/g, '')}`);
    src = join(root, `src-${s.kind.replace(/\W/g, '')}`, 'music');
    library(src);
    // Transfers slow enough to be caught in the middle: rclone by the job's own limit, rsync by a wrapper.
    const add = await cli(['job', 'add', 'J', '--source', src, s.flag, s.target, ...(s.tool === 'rclone' ? ['--bwlimit', '500k'] : [])]);
    expect(add.exitCode, add.stderr).toBe(0);
    await completeRun();
  }, 120_000);

  it('Reprise killed right after writing its intent: the earlier point is untouched', async () => {
    change(src, 1);
    const child = start();
    await waitFor('the run\'s intent', () => intents().length > 0);
    child.kill('SIGKILL');
    await exited(child);
    await waitFor(`${s.tool} to end with Reprise`, () => toolPids(s.tool, src).length === 0, 10_000);
    expect((await lastRun()).outcome).toBe('interrupted');
    await checkEveryPoint('after a kill right after the intent');
  }, 180_000);

  it('Reprise killed mid-transfer: no child outlives it, every earlier point restores exactly', async () => {
    change(src, 2);
    const known = await points();
    const child = start();
    await waitFor('data of the run to land', midTransfer([...known, ...readdirVersions()], 2));
    child.kill('SIGKILL');
    await exited(child);
    await waitFor(`${s.tool} to end with Reprise`, () => toolPids(s.tool, src).length === 0, 10_000);
    expect(processesMentioning(src)).toEqual([]);
    expect((await lastRun()).outcome).toBe('interrupted');
    // The next Reprise to start removed what the killed one left in the temp folder.
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`reprise-${child.pid}-`))).toEqual([]);
    await checkEveryPoint('after a kill mid-transfer');
  }, 180_000);

  it(`${kindName === 'snapshot' ? 'rsync' : 'rclone'} killed mid-transfer: the run fails saying so, every earlier point restores exactly`, async () => {
    change(src, 3);
    const known = await points();
    const child = start();
    await waitFor('data of the run to land', midTransfer([...known, ...readdirVersions()], 3));
    await waitFor(`${s.tool} to be copying`, () => toolPids(s.tool, src).length > 0);
    const pids = toolPids(s.tool, src);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    log(`killed ${s.tool} ${pids.join(' ')}: ${processesMentioning(src).map((p) => `${p.pid}: ${p.argv.join(' ')}`).join(' | ')}`);
    expect(await exited(child)).toBe(1);
    const run = await lastRun();
    expect(run.outcome).toBe('failed');
    expect(run.firstError).toMatch(/stopped by a signal/);
    await checkEveryPoint('after the child was killed');
  }, 180_000);

  it('a Cancel mid-transfer: the run is cancelled, every earlier point restores exactly', async () => {
    change(src, 4);
    const known = await points();
    const child = start();
    await waitFor('data of the run to land', midTransfer([...known, ...readdirVersions()], 4));
    // rclone says what it copied in its stats (a line of the run's log, once a second), and that is
    // all a stopped mirror knows; rsync's redraws are all read when it ends, stopped or not.
    if (s.tool === 'rclone') await waitFor("rclone's stats of bytes copied in the run's log", () => /"stats":\{"bytes":[1-9]/.test(newestRunLog()));
    const c = await cli(['cancel', 'J']);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(await exited(child)).toBe(130);
    const run = await lastRun();
    expect(run.outcome).toBe('cancelled');
    // What was copied before the Cancel is said, not 0 B (it is reused by the next run).
    expect(run.bytes).toBeGreaterThan(0);
    expect(run.destinations[0]!.bytes).toBe(run.bytes);
    await checkEveryPoint('after a cancel');
  }, 180_000);

  it('the next run reconciles what the interrupted ones left and makes a point; all points restore exactly', async () => {
    await completeRun();
    change(src, 5);
    await completeRun();
    expect(intents()).toEqual([]);
    await checkEveryPoint('after the runs that completed');
    const v = await cli(['verify', 'J', '--deep']);
    expect(v.exitCode, v.stdout).toBe(0);
  }, 180_000);

  function newestRunLog(): string {
    const logs = readdirSync(join(data, 'logs')).filter((n) => /^run-\d+\.log$/.test(n));
    const newest = logs.sort((a, b) => Number(/\d+/.exec(b)![0]) - Number(/\d+/.exec(a)![0]))[0];
    return newest ? readFileSync(join(data, 'logs', newest), 'utf8') : '';
  }

  function readdirVersions(): string[] {
    const v = join(s.folder, 'versions');
    return existsSync(v) ? readdirSync(v) : [];
  }
});

/** Runs `fn` on a small tmpfs mounted for it (skipped where mounting is not allowed), unmounted after. */
async function onTmpfs(ctx: { skip(): void }, options: string, fn: (mnt: string) => Promise<void>): Promise<void> {
  const mnt = tempDir('reprise-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mnt]);
  } catch {
    ctx.skip();
    return;
  }
  try {
    await fn(mnt);
  } finally {
    execFileSync('umount', ['-l', mnt]);
  }
}

describe.each(['snapshot', 'local mirror'] as const)('a full disk under a %s', (kindName) => {
  it('fails with a clear message, takes nothing half-written for a point, and the next run completes', async (ctx) => {
    await onTmpfs(ctx, 'size=6m', async (mnt) => {
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
      // The words of the message, not the mount's folder name (which once held "full" and hid that a mirror's was not said as a full disk).
      expect(`${full.stdout}${full.stderr}`).toMatch(/is full|no space left/i);
      const pts = JSON.parse((await cli(['snapshots', 'F', '--json'])).stdout) as Array<{ points: Array<{ id: string }> }>;
      expect(pts[0]!.points).toHaveLength(1);
      const to = tempDir();
      const r = await cli(['restore', 'F', '--path', 'music', '--to', to]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(treeDiff(truth1, describeTree(join(to, 'music')))).toEqual([]);
      rmSync(join(src, 'Big'), { recursive: true });
      const after = await cli(['run', 'F']);
      expect(after.exitCode, `${after.stdout}${after.stderr}`).toBe(0);
    });
  });
});

/** A library of 2,000 tiny tracks with long names: many lines in a tool's output for few bytes. */
function manyNamedTracks(): string {
  const src = join(tempDir(), 'music');
  mkdirSync(join(src, 'A'), { recursive: true });
  for (let i = 0; i < 2000; i++) writeFileSync(join(src, 'A', `${String(i).padStart(4, '0')} a track with a longish name.flac`), `track ${i}`);
  return src;
}

describe('a full temporary folder under a snapshot', () => {
  it("loses rsync's output, not the snapshot: the run says so, counts what the comparison expected, and the point restores exactly", async (ctx) => {
    // rsync's progress, statistics and sums go to a file in the temporary folder (TMPDIR); 64 KiB
    // hold the lines of a few hundred of these 2,000 files.
    await onTmpfs(ctx, 'size=64k', async (mnt) => {
      const data = tempDir();
      const src = manyNamedTracks();
      const truth = describeTree(src);
      const cli = (args: string[]) => reprise(data, args, { TMPDIR: mnt });
      expect((await cli(['job', 'add', 'T', '--source', src, '--snapshot', join(tempDir(), 'snaps')])).exitCode).toBe(0);
      const run = await cli(['run', 'T']);
      expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('2,000 files');
      const log = readFileSync(/Log: (\S+)/.exec(run.stdout)![1]!, 'utf8');
      expect(log).toContain(`rsync's statistics for music were lost: its output goes to a file in the temporary folder ${mnt}, which could not hold it (is it full?)`);
      // The sums that never arrived were read from the source instead.
      const [, fromRsync, read] = /# content hashes: (\d+) taken from rsync's copy, (\d+) read from the source/.exec(log)!;
      expect(Number(fromRsync) + Number(read)).toBe(2000);
      expect(Number(read)).toBeGreaterThan(0);
      const deep = await cli(['verify', 'T', '--deep']);
      expect(deep.exitCode, deep.stdout).toBe(0);
      // A restore needs room there too (its rsync's progress): it says which folder is full.
      const to = tempDir();
      const stuck = await cli(['restore', 'T', '--path', 'music', '--to', to]);
      expect(stuck.exitCode).toBe(1);
      expect(stuck.stderr).toContain(`The temporary folder ${mnt} is full`);
      const r = await reprise(data, ['restore', 'T', '--path', 'music', '--to', to]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).toContain('✓ verified');
      expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
    });
  });
});

describe('a full temporary folder under a mirror', () => {
  it('fails naming the folder (not "ENOSPC … write"), makes no point, and the next run with room completes and restores exactly', async (ctx) => {
    // rclone's log and the run's record and lists live in the temporary folder; 16 KiB hold little of
    // them (a first run writes no top-up lists: the record of 2,000 entries is what no longer fits).
    await onTmpfs(ctx, 'size=16k', async (mnt) => {
      const data = tempDir();
      const src = manyNamedTracks();
      const truth = describeTree(src);
      expect((await reprise(data, ['job', 'add', 'M', '--source', src, '--mirror', join(tempDir(), 'mirror')])).exitCode).toBe(0);
      const run = await reprise(data, ['run', 'M'], { TMPDIR: mnt });
      expect(run.exitCode).toBe(1);
      const said = `The temporary folder ${mnt} is full; Reprise keeps its lists and its tools' logs there. Free some space there (or start Reprise with TMPDIR set to a folder with room) and try again.`;
      expect(run.stdout).toContain(said);
      expect(run.stdout).not.toContain('ENOSPC');
      // History keeps the same words.
      const runs = JSON.parse((await reprise(data, ['history', 'M', '--json'])).stdout) as Array<{ destinations: Array<{ firstError: string | null }> }>;
      expect(runs[0]!.destinations[0]!.firstError).toBe(said);
      const pts = JSON.parse((await reprise(data, ['snapshots', 'M', '--json'])).stdout) as Array<{ points: unknown[] }>;
      expect(pts[0]!.points).toEqual([]);
      const next = await reprise(data, ['run', 'M']);
      expect(next.exitCode, `${next.stdout}${next.stderr}`).toBe(0);
      const to = tempDir();
      const r = await reprise(data, ['restore', 'M', '--path', 'music', '--to', to]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).toContain('✓ verified');
      expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
    });
  });
});

describe('a snapshot destination that runs out of inodes while Reprise links the unchanged files', () => {
  it('fails as full, leaves no half-made snapshot holding them, and the next run completes once there is room', async (ctx) => {
    // On tmpfs every hard link takes one of the file system's inodes.
    await onTmpfs(ctx, 'size=20m,nr_inodes=170', async (mnt) => {
      const data = tempDir();
      const src = join(tempDir(), 'music');
      mkdirSync(join(src, 'A'), { recursive: true });
      for (let i = 0; i < 100; i++) writeFileSync(join(src, 'A', `${String(i).padStart(3, '0')}.flac`), `track ${i}`);
      const target = join(mnt, 'snaps');
      const cli = (args: string[]) => reprise(data, args);
      expect((await cli(['job', 'add', 'I', '--source', src, '--snapshot', target])).exitCode).toBe(0);
      const truth1 = describeTree(src);
      expect((await cli(['run', 'I'])).exitCode).toBe(0);
      // A small change: Reprise links the 99 unchanged files itself, and the inodes run out.
      writeFileSync(join(src, 'A', '000.flac'), 'track 0, tagged again');
      const full = await cli(['run', 'I']);
      expect(full.exitCode).toBe(1);
      expect(`${full.stdout}${full.stderr}`).toMatch(/is full/);
      expect(readdirSync(target)).not.toContain('.reprise-staging');
      const pts = JSON.parse((await cli(['snapshots', 'I', '--json'])).stdout) as Array<{ points: Array<{ id: string }> }>;
      expect(pts[0]!.points).toHaveLength(1);
      const to = tempDir();
      expect((await cli(['restore', 'I', '--path', 'music', '--to', to])).exitCode).toBe(0);
      expect(treeDiff(truth1, describeTree(join(to, 'music')))).toEqual([]);
      // Fewer files to link: now it fits, since nothing of the failed run is left in the way.
      for (let i = 30; i < 100; i++) rmSync(join(src, 'A', `${String(i).padStart(3, '0')}.flac`));
      const truth2 = describeTree(src);
      const after = await cli(['run', 'I']);
      expect(after.exitCode, `${after.stdout}${after.stderr}`).toBe(0);
      const to2 = tempDir();
      expect((await cli(['restore', 'I', '--path', 'music', '--to', to2])).exitCode).toBe(0);
      expect(treeDiff(truth2, describeTree(join(to2, 'music')))).toEqual([]);
    });
  });
});

describe('the WebDAV server of a mirror dies mid-run', () => {
  it('killed and restarted, then killed for good: each run ends on its own saying why, every point restores exactly', async () => {
    const base = tempDir();
    const davRoot = join(base, 'dav');
    mkdirSync(davRoot);
    let dav = await startWebDav(davRoot);
    const conf = await writeWebDavConfig(base, 'dav', dav);
    const data = join(base, 'data');
    mkdirSync(data);
    // A dead server is noticed after 5 s without progress; no retry, so each run ends at once.
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ version: 1, jobs: [], network: { stallAfterSeconds: 5, retryAttempts: 1 } }));
    const src = join(base, 'music');
    library(src);
    const cli = (args: string[]) => reprise(data, ['--rclone-config', conf, ...args]);
    expect((await cli(['job', 'add', 'W', '--source', src, '--mirror', 'dav:backup', '--bwlimit', '600k'])).exitCode).toBe(0);
    const truths = new Map<string, string[]>();
    const ids = async (): Promise<string[]> => (JSON.parse((await cli(['snapshots', 'W', '--json'])).stdout) as Array<{ points: Array<{ id: string }> }>)[0]!.points.map((p) => p.id);
    const complete = async () => {
      const truth = describeTree(src);
      const before = await ids();
      const r = await cli(['run', 'W']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      truths.set((await ids()).find((id) => !before.includes(id))!, truth);
    };
    const everyPoint = async () => {
      const all = await ids();
      expect(all.length).toBe(truths.size);
      for (const id of all) {
        const to = tempDir();
        const r = await cli(['restore', 'W', '--path', 'music', '--at', id, '--to', to]);
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
        expect(treeDiff(truths.get(id)!, describeTree(join(to, 'music'))), id).toEqual([]);
      }
    };
    const versions = join(davRoot, 'backup', 'versions');
    const killMidRun = async (round: number) => {
      change(src, round);
      const known = existsSync(versions) ? readdirSync(versions) : [];
      const child = spawn(process.execPath, [repriseBin, '--data-dir', data, '--rclone-config', conf, 'run', 'W'], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      await waitFor('data of the run to land', () => existsSync(versions) && readdirSync(versions).some((d) => !known.includes(d) && holdsAFile(join(versions, d))));
      await dav.kill();
      expect(await exited).toBe(1);
      const last = (JSON.parse((await cli(['history', 'W', '--json'])).stdout) as Array<{ outcome: string; firstError: string }>)[0]!;
      expect(last.outcome).toBe('failed');
      expect(last.firstError).toMatch(/dav: the server at 127\.0\.0\.1:\d+ (does not answer|stopped answering)|dav: .*(does not answer|connection refused)/);
    };

    await complete();
    await killMidRun(11);
    dav = await startWebDav(davRoot);
    await writeWebDavConfig(base, 'dav', dav);
    await everyPoint();
    await complete();

    await killMidRun(12);
    // Down for good: listing says so in words, and nothing hangs.
    const listed = await cli(['snapshots', 'W']);
    expect(listed.stdout).toMatch(/cannot be read/);
    dav = await startWebDav(davRoot);
    await writeWebDavConfig(base, 'dav', dav);
    await complete();
    await everyPoint();
    await dav.stop();
  }, 240_000);
});


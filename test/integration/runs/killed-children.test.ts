// Children never outlive Reprise, and a killed child is a failure, not a cancel. Real `reprise run`
// processes, real rsync/rclone (slowed down so "mid-run" is certain), /proc to see what is left.
import Database from 'better-sqlite3';
import { type ResultPromise, execa } from 'execa';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { type Proc, leftRcloneLogs, processesMentioning, waitFor } from '../../support/procs.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const started: ResultPromise[] = [];
const stray: number[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill('SIGKILL');
  for (const pid of stray.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});
afterAll(cleanupTempDirs);

interface Setup {
  readonly root: string;
  readonly data: string;
  readonly env: NodeJS.ProcessEnv;
}

// A job whose one destination is slow enough to be killed mid-run: an rsync snapshot through a
// bandwidth-limiting rsync wrapper (the REPRISE_RSYNC tool-path seam), or an rclone copy at 1 MB/s.
async function setUp(kind: 'snapshot' | 'copy', extraEnv: NodeJS.ProcessEnv = {}, bwlimit = '1M'): Promise<Setup> {
  const root = tempDir('reprise-killed-');
  const wrapper = join(root, 'slow-rsync');
  writeFileSync(wrapper, '#!/bin/sh\nexec rsync --bwlimit=500 "$@"\n');
  chmodSync(wrapper, 0o755);
  // ~3 MB: several seconds at these rates, time enough to kill it mid-run.
  makeLibrary(join(root, 'Music'), { artists: ['Björk', 'Sigur Rós'], tracksPerAlbum: 4, trackBytes: 400_000 });
  const env = { REPRISE_RSYNC: wrapper, HOME: join(root, 'home'), ...extraEnv };
  const data = join(root, 'data');
  const add = await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'Music'), `--${kind}`, join(root, 'backup'), ...(kind === 'copy' ? ['--bwlimit', bwlimit] : [])], env);
  expect(add.exitCode, add.stderr).toBe(0);
  return { root, data, env };
}

function startRun(s: Setup): ResultPromise {
  const child = execa(process.execPath, [repriseBin, '--data-dir', s.data, 'run', 'Music'], { reject: false, env: s.env });
  started.push(child);
  return child;
}

function ppidOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]);
}

// The tool child of `parent` once it is copying (its command line names the test's folder).
function toolChildOf(root: string, parent: number, tool: string): Promise<Proc> {
  return waitFor(`${tool} started by ${parent}`, () => processesMentioning(root).find((p) => p.comm === tool && ppidOf(p.pid) === parent));
}

function recordedChildren(data: string): number[] {
  const db = new Database(join(data, 'locks.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT pid FROM job_children').all() as { pid: number }[]).map((r) => r.pid);
  } finally {
    db.close();
  }
}

const leftovers = (root: string) => processesMentioning(root).filter((p) => p.comm === 'rsync' || p.comm === 'rclone');

describe('when Reprise is killed (kill -9) mid-run', () => {
  it.each(['snapshot', 'copy'] as const)('leaves no %s child behind', async (kind) => {
    const s = await setUp(kind);
    const run = startRun(s);
    await toolChildOf(s.root, run.pid!, kind === 'snapshot' ? 'rsync' : 'rclone');
    process.kill(run.pid!, 'SIGKILL');
    await run;
    // The kernel ends the child with its parent (setpriv --pdeathsig); rsync's helper follows.
    await waitFor('no rsync/rclone left', () => leftovers(s.root).length === 0, 10_000);
    expect(leftRcloneLogs(run.pid!)).toEqual([]);
    // The next run (at full speed) is not blocked: the lock's holder and its children are all gone.
    const next = await reprise(s.data, ['run', 'Music'], { ...s.env, REPRISE_RSYNC: 'rsync' });
    expect(next.exitCode, next.stdout + next.stderr).toBe(0);
    const history = JSON.parse((await reprise(s.data, ['history', 'Music', '--json'], s.env)).stdout) as { outcome: string }[];
    expect(history.map((r) => r.outcome)).toEqual(['success', 'interrupted']);
  });

  it('without pdeathsig, a new run waits for the rclone a killed run left behind', async () => {
    // Slow enough (~30 s) that the orphan is surely still copying when the next run starts.
    const s = await setUp('copy', { REPRISE_NO_PDEATHSIG: '1' }, '100k');
    const run = startRun(s);
    // The copy itself, not a short listing the run may start first (on a busy machine that one is
    // still alive when we look, then ends, and nothing is left to wait for).
    const rclone = await waitFor('the rclone copy', () => processesMentioning(s.root).find((p) => p.comm === 'rclone' && p.argv.includes('copy') && ppidOf(p.pid) === run.pid));
    stray.push(rclone.pid);
    // Mid-run means after the run put its child on record (a kill in the instant between the fork
    // and that write is the one gap no record can close).
    await waitFor('the copy on record', () => recordedChildren(s.data).includes(rclone.pid));
    process.kill(run.pid!, 'SIGKILL');
    await run;
    expect(processesMentioning(s.root).some((p) => p.pid === rclone.pid)).toBe(true);

    const refused = await reprise(s.data, ['run', 'Music'], s.env);
    expect(refused.exitCode, `${refused.stdout}\n${refused.stderr}\nstill running: ${JSON.stringify(processesMentioning(s.root))}`).toBe(1);
    expect(refused.stderr).toContain(`"Music" cannot start yet: waiting for rclone left by run 1 (process ${rclone.pid}) to end.`);

    process.kill(-rclone.pid, 'SIGKILL');
    await waitFor('the stray rclone to end', () => leftovers(s.root).length === 0, 10_000);
    // Then at full speed: the orphan is gone, so the job runs.
    const file = join(s.data, 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { jobs: { bwlimit: string | null }[] };
    settings.jobs[0]!.bwlimit = null;
    writeFileSync(file, JSON.stringify(settings));
    const next = await reprise(s.data, ['run', 'Music'], s.env);
    expect(next.exitCode, next.stdout + next.stderr).toBe(0);
  });
});

describe('a child killed from outside', () => {
  it('is a failed run that says rsync was stopped by a signal, not "cancelled"', async () => {
    const s = await setUp('snapshot');
    const run = startRun(s);
    const rsync = await toolChildOf(s.root, run.pid!, 'rsync');
    process.kill(rsync.pid, 'SIGKILL');
    const r = await run;
    expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(r.stdout).toContain(`✗ ${join(s.root, 'backup')}: Failed — 0 B, 0 files — rsync was stopped by a signal (SIGKILL)`);
    const history = JSON.parse((await reprise(s.data, ['history', 'Music', '--json'], s.env)).stdout) as { outcome: string; firstError: string }[];
    expect(history[0]).toMatchObject({ outcome: 'failed', firstError: expect.stringMatching(/^rsync was stopped by a signal \(SIGKILL\)/) });
  });

  it('is a failed run for rclone too, while Ctrl-C (the user) is "cancelled"', async () => {
    const s = await setUp('copy');
    const run = startRun(s);
    const rclone = await toolChildOf(s.root, run.pid!, 'rclone');
    process.kill(rclone.pid, 'SIGKILL');
    const r = await run;
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('rclone was stopped by a signal (SIGKILL)');

    const again = startRun(s);
    await toolChildOf(s.root, again.pid!, 'rclone');
    again.kill('SIGINT');
    expect((await again).exitCode).toBe(130);
    const history = JSON.parse((await reprise(s.data, ['history', 'Music', '--json'], s.env)).stdout) as { outcome: string }[];
    expect(history.map((h) => h.outcome)).toEqual(['cancelled', 'failed']);
  });
});

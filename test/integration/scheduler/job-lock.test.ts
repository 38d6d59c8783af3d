import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { JobLocks } from '../../../electron/core/scheduler/job-lock.js';

const RACER = join(import.meta.dirname, 'helpers', 'lock-racer.mjs');

interface Racer {
  readonly child: ChildProcessWithoutNullStreams;
  next(): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function startRacer(dbFile: string, markerDir: string): Racer {
  const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', RACER, dbFile, 'job-1', markerDir], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    exited,
    async next() {
      const { value, done } = await lines.next();
      if (done) throw new Error(`racer ended early: ${stderr}`);
      return JSON.parse(value as string) as Record<string, unknown>;
    },
  };
}

describe('JobLocks across processes', () => {
  let dir: string;
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets exactly one of two racing processes run the job; the other is told who runs it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-lock-'));
    const db = join(dir, 'locks.sqlite');
    const a = startRacer(db, dir);
    const b = startRacer(db, dir);
    children.push(a.child, b.child);
    expect((await a.next()).event).toBe('ready');
    expect((await b.next()).event).toBe('ready');
    a.child.stdin.write('go\n');
    b.child.stdin.write('go\n');
    const results = await Promise.all([a.next(), b.next()]);

    const winners = results.filter((r) => r.event === 'acquired');
    const losers = results.filter((r) => r.event === 'refused');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]).toMatchObject({ kind: 'already-running', holderPid: winners[0]!.pid });
    expect(losers[0]!.message).toMatch(new RegExp(`^"Music" is already running in reprise run \\(process ${winners[0]!.pid}\\) since `));
    expect(readdirSync(dir).filter((f) => f.startsWith('ran-'))).toEqual([`ran-${winners[0]!.pid}`]);

    const winner = winners[0]!.pid === a.child.pid ? a : b;
    winner.child.stdin.write('release\n');
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);

    const locks = new JobLocks(db);
    const again = locks.acquire('job-1', 'Music', 'test');
    expect(again.ok).toBe(true);
    locks.close();
  });

  it('takes over the lock of a process that was killed while holding it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-lock-'));
    const db = join(dir, 'locks.sqlite');
    const a = startRacer(db, dir);
    children.push(a.child);
    await a.next();
    a.child.stdin.write('go\n');
    expect((await a.next()).event).toBe('acquired');

    const locks = new JobLocks(db);
    const whileAlive = locks.acquire('job-1', 'Music', 'test');
    expect(whileAlive.ok).toBe(false);

    a.child.kill('SIGKILL');
    await a.exited;
    expect(locks.holder('job-1')).toBeNull();
    const after = locks.acquire('job-1', 'Music', 'test');
    expect(after.ok).toBe(true);
    if (after.ok) {
      expect(after.lock.holder.pid).toBe(process.pid);
      after.lock.release();
      after.lock.release();
    }
    expect(locks.holder('job-1')).toBeNull();
    locks.close();
  });

  it('refuses a second run of the same job in the same process and never frees a lock it does not hold', () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-lock-'));
    const locks = new JobLocks(join(dir, 'locks.sqlite'));
    const first = locks.acquire('job-1', 'Music', 'scheduler');
    const second = locks.acquire('job-1', 'Music', 'scheduler');
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, error: { kind: 'already-running' } });
    if (!second.ok) expect(second.error.message).toContain('this process');
    expect(locks.acquire('job-2', 'Photos', 'scheduler').ok).toBe(true);
    if (first.ok) first.lock.release();
    expect(locks.acquire('job-1', 'Music', 'scheduler').ok).toBe(true);
    locks.close();
  });

  it('keeps a job locked while a child left by a dead holder lives (a live stand-in child)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-lock-'));
    const db = join(dir, 'locks.sqlite');
    // The holder: a process that records its rclone child, then dies without releasing.
    const holder = startRacer(db, dir);
    children.push(holder.child);
    await holder.next();
    holder.child.stdin.write('go\n');
    expect((await holder.next()).event).toBe('acquired');
    // A live stand-in for the rclone it left behind (own process group, like a real child).
    const standIn = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    children.push(standIn as unknown as ChildProcessWithoutNullStreams);
    const writer = new JobLocks(db, { pid: holder.child.pid! });
    writer.recordChild('job-1', { pid: standIn.pid!, tool: 'rclone', runId: 12 });
    writer.close();
    holder.child.kill('SIGKILL');
    await holder.exited;

    const locks = new JobLocks(db);
    expect(locks.holder('job-1')).toBeNull();
    const refused = locks.acquire('job-1', 'Music', 'reprise run');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'already-running', message: `"Music" cannot start yet: waiting for rclone left by run 12 (process ${standIn.pid}) to end.` } });
    expect(locks.blocker('job-1', 'Music')?.message).toContain('waiting for rclone left by run 12');
    // Other jobs are not held up.
    expect(locks.acquire('job-2', 'Photos', 'reprise run').ok).toBe(true);

    const gone = new Promise((r) => standIn.once('exit', r));
    process.kill(-standIn.pid!, 'SIGKILL');
    await gone;
    const after = locks.acquire('job-1', 'Music', 'reprise run');
    expect(after.ok).toBe(true);
    expect(locks.leftChildren('job-1')).toEqual([]);
    locks.close();
  });
});

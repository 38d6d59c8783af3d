import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobLocks } from '../../../electron/core/scheduler/job-lock.js';
import { type RunRequest, RunQueue } from '../../../electron/core/scheduler/run-queue.js';

// A run that finishes when the test says so, so ordering is observed, not timed.
function controllable() {
  const gates = new Map<string, (v: string) => void>();
  const started: string[] = [];
  const aborted: string[] = [];
  const execute = (req: RunRequest, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      started.push(req.jobId);
      gates.set(req.jobId, resolve);
      signal.addEventListener('abort', () => {
        aborted.push(req.jobId);
        reject(new Error('cancelled'));
      });
    });
  const finish = (jobId: string) => gates.get(jobId)!(`done ${jobId}`);
  return { execute, finish, started, aborted };
}

const req = (jobId: string, trigger = 'schedule'): RunRequest => ({ jobId, jobName: jobId.toUpperCase(), trigger });

describe('RunQueue', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('runs at most `concurrency` jobs, the rest in order as slots free up', async () => {
    const c = controllable();
    const q = new RunQueue({ concurrency: 2, execute: c.execute });
    const subs = ['a', 'b', 'c', 'd'].map((j) => q.submit(req(j)));
    expect(subs.map((s) => s.ok && s.state)).toEqual(['started', 'started', 'queued', 'queued']);
    expect(c.started).toEqual(['a', 'b']);
    c.finish('b');
    await (subs[1] as { done: Promise<unknown> }).done;
    expect(c.started).toEqual(['a', 'b', 'c']);
    q.setConcurrency(3);
    expect(c.started).toEqual(['a', 'b', 'c', 'd']);
    for (const j of ['a', 'c', 'd']) c.finish(j);
    await q.idle();
    expect(await Promise.all(subs.map((s) => (s.ok ? s.done : null)))).toEqual(['a', 'b', 'c', 'd'].map((j) => ({ status: 'finished', value: `done ${j}` })));
  });

  it('refuses a second request for a job that is running or waiting', () => {
    const c = controllable();
    const q = new RunQueue({ concurrency: 1, execute: c.execute });
    q.submit(req('a'));
    q.submit(req('b'));
    expect(q.submit(req('a', 'manual'))).toEqual({ ok: false, error: { kind: 'already-running', message: '"A" is already running.' } });
    expect(q.submit(req('b', 'manual'))).toEqual({ ok: false, error: { kind: 'already-queued', message: '"B" is already waiting to run.' } });
  });

  it('cancels a waiting run without starting it and aborts a running one', async () => {
    const c = controllable();
    const q = new RunQueue({ concurrency: 1, execute: c.execute });
    const a = q.submit(req('a'));
    const b = q.submit(req('b'));
    expect(q.cancel('b')).toBe(true);
    expect(b.ok && (await b.done)).toEqual({ status: 'cancelled' });
    expect(q.cancel('a')).toBe(true);
    expect(a.ok && (await a.done)).toMatchObject({ status: 'crashed' });
    expect(c.aborted).toEqual(['a']);
    expect(c.started).toEqual(['a']);
    expect(q.cancel('zzz')).toBe(false);
    await q.idle();
  });

  it('holds the cross-process lock while running and refuses a job another process runs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-queue-'));
    const file = join(dir, 'locks.sqlite');
    const mine = new JobLocks(file);
    const other = new JobLocks(file, { pid: 999_999_1, isAlive: () => true });
    const c = controllable();
    const q = new RunQueue({ concurrency: 2, execute: c.execute, locks: mine, lockLabel: 'the scheduler' });

    const a = q.submit(req('a'));
    expect(other.acquire('a', 'A', 'reprise run')).toMatchObject({ ok: false, error: { message: expect.stringContaining('the scheduler') } });
    c.finish('a');
    await (a.ok && a.done);
    expect(mine.holder('a')).toBeNull();

    // Another process (pid 9999991, alive) is running "b": refused at once with its name.
    const theirs = new JobLocks(file, { pid: 9_999_991 });
    const held = theirs.acquire('b', 'B', 'reprise run');
    expect(held.ok).toBe(true);
    const mineAlive = new JobLocks(file, { isAlive: () => true });
    const q2 = new RunQueue({ concurrency: 1, execute: c.execute, locks: mineAlive, lockLabel: 'the scheduler' });
    expect(q2.submit(req('b'))).toEqual({ ok: false, error: { kind: 'already-running', message: expect.stringMatching(/^"B" is already running in reprise run \(process 9999991\) since \d{4}-/) } });
    for (const l of [mine, other, theirs, mineAlive]) l.close();
  });
});

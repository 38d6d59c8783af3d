// One run per job at a time, also across processes: the app's scheduler, a `reprise run` from a
// terminal and a second `reprise serve` all share this lock table in the data dir. SQLite gives
// us what an O_EXCL lock file cannot do race-free: "check whether the holder is dead, then take
// over" as one atomic step (BEGIN IMMEDIATE serialises writers across processes). The same table
// file holds the restore-point leases: a `reprise restore` in a terminal holds its point against
// pruning by the app's scheduler or `reprise serve`, not only within its own process.
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { type RecoveredDatabase, openRecovering } from '../history/recover-sqlite.js';

export interface LockHolder {
  readonly jobId: string;
  readonly pid: number;
  readonly host: string;
  /** Who holds it, in words: "scheduler", "reprise run", … */
  readonly label: string;
  readonly sinceMs: number;
}

export interface HeldLock {
  readonly holder: LockHolder;
  /** Gives the lock back; safe to call twice, never releases somebody else's lock. */
  release(): void;
}

export interface AlreadyRunning {
  readonly kind: 'already-running';
  readonly message: string;
  readonly holder: LockHolder;
}

export type LockAttempt = { readonly ok: true; readonly lock: HeldLock } | { readonly ok: false; readonly error: AlreadyRunning };

/** A child process (rclone, rsync) a run started, recorded so it is known after its run died. */
export interface RecordedChild {
  readonly pid: number;
  readonly tool: string;
  /** The run that started it; null before the run had its id. */
  readonly runId: number | null;
}

export interface JobLocksOptions {
  /** Whether a pid on this host is alive; injectable for tests. */
  readonly isAlive?: (pid: number) => boolean;
  /** Whether a recorded child (its process group) is still alive; injectable for tests. */
  readonly isChildAlive?: (pid: number) => boolean;
  readonly now?: () => number;
  readonly host?: string;
  readonly pid?: number;
}

/** True when a process with this pid exists (EPERM: exists but is not ours — still alive). */
export function pidIsAlive(pid: number): boolean {
  // A zombie (killed, not yet reaped) has ended: it holds nothing.
  if (existsSync('/proc/self/stat')) {
    const st = statOf(String(pid));
    return st !== null && st.state !== 'Z';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the child or anything in its process group (rsync's helpers) still runs. */
export function childIsAlive(pid: number): boolean {
  // Signal 0 also "reaches" a zombie, and an orphan's zombie lingers where PID 1 does not reap
  // (containers): on Linux, ask /proc for a live member of the child's process group instead.
  if (existsSync('/proc/self/stat')) return processGroupRunning(pid);
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 0);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM') return true;
    }
  }
  return false;
}

// /proc/PID/stat: "pid (comm) state ppid pgrp …"; comm may contain spaces and parentheses.
function statOf(pid: string): { state: string; pgrp: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

function processGroupRunning(pgid: number): boolean {
  const leader = statOf(String(pgid));
  if (leader && leader.state !== 'Z') return true;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = statOf(name);
    if (st && st.pgrp === pgid && st.state !== 'Z') return true;
  }
  return false;
}

interface ChildRow {
  pid: number;
  tool: string;
  run_id: number | null;
  since: number;
}

interface Row {
  job_id: string;
  pid: number;
  host: string;
  token: string;
  label: string;
  since: number;
}

function toHolder(row: Row): LockHolder {
  return { jobId: row.job_id, pid: row.pid, host: row.host, label: row.label, sinceMs: row.since };
}

/** "Music" is already running in reprise serve (process 123) since …: one wording everywhere. */
export function describeHolder(jobName: string, h: LockHolder, ownPid: number = process.pid): string {
  const who = h.pid === ownPid ? 'this process' : `${h.label} (process ${h.pid}${h.host !== hostname() ? ` on ${h.host}` : ''})`;
  return `"${jobName}" is already running in ${who} since ${new Date(h.sinceMs).toISOString()}.`;
}

/** "Music" cannot start yet: waiting for rclone left by run 12 (process 4567) to end. */
export function describeLeftChild(jobName: string, c: RecordedChild): string {
  return `"${jobName}" cannot start yet: waiting for ${c.tool} left by run ${c.runId ?? '?'} (process ${c.pid}) to end.`;
}

/** The per-job run locks of one data dir. */
export class JobLocks {
  /** Set when the file was damaged at open and replaced by a new one (tell the user once). */
  readonly recovered: RecoveredDatabase | null;
  private readonly db: Database.Database;
  private readonly isAlive: (pid: number) => boolean;
  private readonly isChildAlive: (pid: number) => boolean;
  private readonly now: () => number;
  private readonly host: string;
  private readonly pid: number;

  constructor(file: string, opts: JobLocksOptions = {}) {
    // Two processes starting at the same instant wait for each other instead of failing. A
    // damaged file is moved aside and started anew: a lost lock row is far better than no backups.
    const opened = openRecovering(
      file,
      (db) => {
        db.exec('CREATE TABLE IF NOT EXISTS job_locks (job_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL, label TEXT NOT NULL, since INTEGER NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0)');
        // Children a run started (rclone, rsync): where the kernel cannot end them with a killed
        // Reprise (no pdeathsig: macOS, Windows, old Linux), a new run of the job must wait for
        // them, or two rclones would write the same mirror.
        db.exec('CREATE TABLE IF NOT EXISTS job_children (host TEXT NOT NULL, pid INTEGER NOT NULL, job_id TEXT NOT NULL, tool TEXT NOT NULL, run_id INTEGER, since INTEGER NOT NULL, PRIMARY KEY (host, pid))');
        // Restore points being restored from right now, by any process: retention skips them.
        db.exec('CREATE TABLE IF NOT EXISTS point_leases (token TEXT PRIMARY KEY, target TEXT NOT NULL, point_id TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, since INTEGER NOT NULL)');
      },
      { busyTimeoutMs: 10_000 },
    );
    this.db = opened.db;
    this.recovered = opened.recovered;
    this.isAlive = opts.isAlive ?? pidIsAlive;
    this.isChildAlive = opts.isChildAlive ?? childIsAlive;
    this.now = opts.now ?? Date.now;
    this.host = opts.host ?? hostname();
    this.pid = opts.pid ?? process.pid;
  }

  /** Takes the job's lock, or says who is running it. A holder whose process died is replaced. */
  acquire(jobId: string, jobName: string, label: string): LockAttempt {
    const token = randomUUID();
    const attempt = this.db.transaction((): LockAttempt => {
      const row = this.db.prepare('SELECT * FROM job_locks WHERE job_id = ?').get(jobId) as Row | undefined;
      // A holder on another host cannot be probed; it is trusted until it releases.
      if (row && (row.host !== this.host || this.isAlive(row.pid))) {
        const holder = toHolder(row);
        return { ok: false, error: { kind: 'already-running', message: describeHolder(jobName, holder, this.pid), holder } };
      }
      const left = this.leftChildren(jobId);
      if (left.length > 0) return { ok: false, error: this.leftRefusal(jobId, jobName, left[0]!) };
      const holder: LockHolder = { jobId, pid: this.pid, host: this.host, label, sinceMs: this.now() };
      this.db
        .prepare('INSERT OR REPLACE INTO job_locks (job_id, pid, host, token, label, since) VALUES (?, ?, ?, ?, ?, ?)')
        .run(jobId, holder.pid, holder.host, token, label, holder.sinceMs);
      let released = false;
      return {
        ok: true,
        lock: {
          holder,
          release: () => {
            if (released) return;
            released = true;
            this.db.prepare('DELETE FROM job_locks WHERE job_id = ? AND token = ?').run(jobId, token);
          },
        },
      };
    });
    return attempt.immediate();
  }

  /** Records a child a run of the job started (call as it starts). */
  recordChild(jobId: string, child: RecordedChild): void {
    this.db
      .prepare('INSERT OR REPLACE INTO job_children (host, pid, job_id, tool, run_id, since) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.host, child.pid, jobId, child.tool, child.runId, this.now());
  }

  /** Names the run of a child recorded before its run had an id (a child that ended is left alone). */
  numberChild(pid: number, runId: number): void {
    this.db.prepare('UPDATE job_children SET run_id = ? WHERE host = ? AND pid = ? AND run_id IS NULL').run(runId, this.host, pid);
  }

  /** Forgets a child that ended. */
  forgetChild(pid: number): void {
    this.db.prepare('DELETE FROM job_children WHERE host = ? AND pid = ?').run(this.host, pid);
  }

  /** Children of earlier runs of the job still alive on this host; dead ones are forgotten. */
  leftChildren(jobId: string): RecordedChild[] {
    const rows = this.db.prepare('SELECT pid, tool, run_id, since FROM job_children WHERE host = ? AND job_id = ? ORDER BY since').all(this.host, jobId) as ChildRow[];
    const alive: RecordedChild[] = [];
    for (const r of rows) {
      if (this.isChildAlive(r.pid)) alive.push({ pid: r.pid, tool: r.tool, runId: r.run_id });
      else this.forgetChild(r.pid);
    }
    return alive;
  }

  /** Why the job cannot start now (a live holder, or a child left by a run that died); null: it can. */
  blocker(jobId: string, jobName: string): AlreadyRunning | null {
    const holder = this.holder(jobId);
    if (holder) return { kind: 'already-running', message: describeHolder(jobName, holder, this.pid), holder };
    const left = this.leftChildren(jobId);
    return left.length > 0 ? this.leftRefusal(jobId, jobName, left[0]!) : null;
  }

  private leftRefusal(jobId: string, jobName: string, c: RecordedChild): AlreadyRunning {
    return { kind: 'already-running', message: describeLeftChild(jobName, c), holder: { jobId, pid: c.pid, host: this.host, label: `${c.tool} left by run ${c.runId ?? '?'}`, sinceMs: this.now() } };
  }

  /** Asks the process holding the job's lock to cancel its run; false when nobody holds it. */
  requestCancel(jobId: string): boolean {
    if (!this.holder(jobId)) return false;
    return this.db.prepare('UPDATE job_locks SET cancel_requested = 1 WHERE job_id = ?').run(jobId).changes > 0;
  }

  /** Whether another process asked the holder of this job's lock to cancel. */
  cancelRequested(jobId: string): boolean {
    const row = this.db.prepare('SELECT cancel_requested FROM job_locks WHERE job_id = ? AND pid = ? AND host = ?').get(jobId, this.pid, this.host) as { cancel_requested: number } | undefined;
    return row?.cancel_requested === 1;
  }

  /** Who holds the job's lock right now (a dead holder counts as nobody). */
  holder(jobId: string): LockHolder | null {
    const row = this.db.prepare('SELECT * FROM job_locks WHERE job_id = ?').get(jobId) as Row | undefined;
    if (!row) return null;
    if (row.host === this.host && !this.isAlive(row.pid)) return null;
    return toHolder(row);
  }

  /**
   * Holds a restore point of a destination against pruning, in every process, until the returned
   * function is called (safe twice). A lease whose process died holds nothing.
   */
  holdPoint(target: string, pointId: string): () => void {
    const token = randomUUID();
    this.db.prepare('INSERT INTO point_leases (token, target, point_id, host, pid, since) VALUES (?, ?, ?, ?, ?, ?)').run(token, target, pointId, this.host, this.pid, this.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        this.db.prepare('DELETE FROM point_leases WHERE token = ?').run(token);
      } catch {
        // closed or busy: the lease dies with this process anyway
      }
    };
  }

  /** The ids of a destination's restore points held by a live process; leases of dead ones are forgotten. */
  pointsInUse(target: string): Set<string> {
    const rows = this.db.prepare('SELECT token, point_id, host, pid FROM point_leases WHERE target = ?').all(target) as Array<{ token: string; point_id: string; host: string; pid: number }>;
    const held = new Set<string>();
    for (const r of rows) {
      // A lease on another host cannot be probed; it is trusted until released.
      if (r.host !== this.host || this.isAlive(r.pid)) held.add(r.point_id);
      else this.db.prepare('DELETE FROM point_leases WHERE token = ?').run(r.token);
    }
    return held;
  }

  close(): void {
    this.db.close();
  }
}

// One run per job at a time, also across processes: the app's scheduler, a `reprise run` from a
// terminal and a second `reprise serve` all share this lock table in the data dir. SQLite gives
// us what an O_EXCL lock file cannot do race-free: "check whether the holder is dead, then take
// over" as one atomic step (BEGIN IMMEDIATE serialises writers across processes).
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { openSqlite } from '../history/open-sqlite.js';

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

export interface JobLocksOptions {
  /** Whether a pid on this host is alive; injectable for tests. */
  readonly isAlive?: (pid: number) => boolean;
  readonly now?: () => number;
  readonly host?: string;
  readonly pid?: number;
}

/** True when a process with this pid exists (EPERM: exists but is not ours — still alive). */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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

/** The per-job run locks of one data dir. */
export class JobLocks {
  private readonly db: Database.Database;
  private readonly isAlive: (pid: number) => boolean;
  private readonly now: () => number;
  private readonly host: string;
  private readonly pid: number;

  constructor(file: string, opts: JobLocksOptions = {}) {
    // Two processes starting at the same instant wait for each other instead of failing.
    this.db = openSqlite(file, { busyTimeoutMs: 10_000 });
    this.db.exec('CREATE TABLE IF NOT EXISTS job_locks (job_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL, label TEXT NOT NULL, since INTEGER NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0)');
    this.isAlive = opts.isAlive ?? pidIsAlive;
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

  close(): void {
    this.db.close();
  }
}

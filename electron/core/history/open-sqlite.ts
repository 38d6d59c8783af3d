import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface OpenSqliteOptions {
  /** How long a writer waits for another process's lock before giving up. */
  readonly busyTimeoutMs?: number;
}

const pause = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(pause, 0, 0, ms);
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * Opens a SQLite file shared by several Reprise processes (the app, `reprise run` from cron, a
 * second CLI): WAL mode and a busy timeout.
 *
 * Switching a fresh file to WAL takes an exclusive lock, and SQLite answers SQLITE_BUSY at once
 * (without calling the busy handler) when another process is doing the same at that instant, so
 * that one pragma is retried until the busy timeout runs out. Once set, WAL mode stays in the file.
 */
export function openSqlite(path: string, opts: OpenSqliteOptions = {}): Database.Database {
  const busyMs = opts.busyTimeoutMs ?? 5000;
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: busyMs });
  const deadline = Date.now() + busyMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.pragma('journal_mode = WAL');
      break;
    } catch (err) {
      if (!isBusy(err) || Date.now() + wait > deadline) {
        db.close();
        throw err;
      }
      sleepSync(wait);
    }
  }
  // In WAL mode NORMAL never corrupts the file; a power cut may lose the last commits (a run's
  // last rows), and it saves an fsync per commit while a backup competes for the same disk.
  db.pragma('synchronous = NORMAL');
  return db;
}

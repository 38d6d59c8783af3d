// A damaged local database (a truncated history.db after a full disk, garbage in locks.sqlite) must
// not stop every backup with "database disk image is malformed" until someone deletes it by hand.
// It is moved aside — kept for inspection — a new one is made, and the caller tells the user once.
import type Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type OpenSqliteOptions, openSqlite } from './open-sqlite.js';

/** What was done about a damaged database file. */
export interface RecoveredDatabase {
  readonly file: string;
  /** Where the damaged file now is. */
  readonly movedTo: string;
  /** SQLite's words for the damage. */
  readonly reason: string;
}

// quick_check reads every page; above this size only the header and first use are checked (a
// bigger history is unusual, and its reads would slow every CLI start).
const FULL_CHECK_BYTES = 256 * 1024 * 1024;

class DamagedDatabase extends Error {}

/** Whether an error means the file is not a usable database (as opposed to busy, read-only, …). */
export function isDamage(err: unknown): boolean {
  if (err instanceof DamagedDatabase) return true;
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

// SQLite's own check; a file shorter than its header says (truncated) fails it too.
function check(db: Database.Database, path: string): void {
  if (statSync(path).size > FULL_CHECK_BYTES) return;
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (problems.length > 0) throw new DamagedDatabase(problems.slice(0, 3).join('; '));
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

// Moves the file and its WAL aside, unless another process already did (the inode changed).
function moveAside(path: string, inode: number | null, now: Date): string {
  const target = `${path}.damaged-${stamp(now)}`;
  let current: number | null = null;
  try {
    current = statSync(path).ino;
  } catch {
    return target; // gone already
  }
  if (inode !== null && current !== inode) return target;
  renameSync(path, target);
  if (existsSync(`${path}-wal`)) renameSync(`${path}-wal`, `${target}-wal`);
  rmSync(`${path}-shm`, { force: true });
  return target;
}

/**
 * Opens a database and runs `init` (migrations, CREATE TABLE); when the file turns out damaged,
 * moves it aside and starts a new, empty one. Other errors (busy, permissions) are thrown.
 */
export function openRecovering(
  path: string,
  init: (db: Database.Database) => void,
  opts: OpenSqliteOptions & { readonly now?: () => Date } = {},
): { readonly db: Database.Database; readonly recovered: RecoveredDatabase | null } {
  let inode: number | null = null;
  try {
    inode = statSync(path).ino;
  } catch {
    inode = null; // a new file: nothing to check
  }
  let db: Database.Database | null = null;
  try {
    db = openSqlite(path, opts);
    if (inode !== null) check(db, path);
    init(db);
    return { db, recovered: null };
  } catch (err) {
    db?.close();
    if (!isDamage(err)) throw err;
    const movedTo = moveAside(path, inode, (opts.now ?? (() => new Date()))());
    const fresh = openSqlite(path, opts);
    init(fresh);
    const reason = err instanceof Error ? err.message : String(err);
    return { db: fresh, recovered: { file: path, movedTo, reason } };
  }
}

/** The one sentence the user reads about it (CLI stderr, notification, the window). */
export function describeRecovery(r: RecoveredDatabase, what: string): string {
  return `${basename(r.file)} was damaged (${r.reason}); it was moved to ${basename(r.movedTo)} and a new one was started. ${what}`;
}

// Names a database, a database's side file, or neither may have (case, suffixes, a dot alone, a
// folder named like a database): what the early copies' filters (rclone's glob, rsync's rules) are
// checked against, next to the walk's own test of a name (sqliteLikeName).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqliteLikeName } from '../../electron/core/destinations/sqlite-copy.js';

export const TRICKY_NAMES = ['x.db', 'x.DB', 'x.Db', 'x.db-wal', 'x.db-shm', 'x.db-journal', 'x.db-WAL', 'x.dbx', 'x.db3', 'x.DB3-shm', 'q.sqlite', 'q.SQLite3', 'q.sqlite3-journal', 'q.sqlite4', 'db', '.db', 'a.flac', 'a.db.flac', 'a-wal', 'x.db-wal-wal', 'ünï.Sqlite'] as const;

/** Writes every tricky name into `dir`, and a file inside a folder named `folder.db`. */
export function writeTrickyNames(dir: string): void {
  mkdirSync(join(dir, 'folder.db'), { recursive: true });
  for (const n of TRICKY_NAMES) writeFileSync(join(dir, n), 'x');
  writeFileSync(join(dir, 'folder.db', 'inside.flac'), 'x');
}

/** What a filter that leaves out exactly the walk's database names keeps of them, sorted. */
export function keptTrickyNames(): string[] {
  return [...TRICKY_NAMES.filter((n) => !sqliteLikeName(n)), 'folder.db/inside.flac'].sort();
}

/** Both kinds are among the names, so a filter that keeps all or none cannot pass. */
export const LEFT_OUT_COUNT = TRICKY_NAMES.filter((n) => sqliteLikeName(n)).length;

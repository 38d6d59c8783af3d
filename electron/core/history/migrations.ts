// Numbered migrations of the history database. Append only: never edit one that has shipped.
// Each runs in a transaction and bumps PRAGMA user_version; each has its own test.
import type Database from 'better-sqlite3';
import { createRunChangesTable } from './run-changes.js';
import { createAuditTable } from '../audit/audit-log.js';
import { createRunFailuresTable } from './run-failures.js';

export type Migration = (db: Database.Database) => void;

export const migrations: readonly Migration[] = [
  // 1: runs and their per-destination results.
  (db) => {
    db.exec(`
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        job_name TEXT NOT NULL,
        trigger TEXT NOT NULL,
        dry_run INTEGER NOT NULL DEFAULT 0,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        outcome TEXT NOT NULL,
        bytes INTEGER NOT NULL DEFAULT 0,
        files INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        first_error TEXT,
        log_path TEXT,
        pid INTEGER
      );
      CREATE INDEX runs_job_started ON runs(job_id, started_at DESC);
      CREATE TABLE run_destinations (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        dest_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        bytes INTEGER NOT NULL DEFAULT 0,
        files INTEGER NOT NULL DEFAULT 0,
        errors INTEGER NOT NULL DEFAULT 0,
        first_error TEXT,
        PRIMARY KEY (run_id, dest_id)
      );
    `);
  },
  // 2: what changed per run and destination (compressed lists), and an index for outcome filters.
  (db) => createRunChangesTable(db),
  // 3: the audit log (audit/audit-log.ts): operations on remotes and the rclone config, and runs.
  (db) => createAuditTable(db),
  // 4: the files each run could not back up, per destination (run-failures.ts).
  (db) => createRunFailuresTable(db),
  // 5: requests each destination made of its remote (rclone's count; null where not counted).
  (db) => db.exec('ALTER TABLE run_destinations ADD COLUMN requests INTEGER'),
  // 6: whether a mirror run was a full check or a top-up ('full' | 'top-up'; null for other kinds).
  (db) => db.exec('ALTER TABLE run_destinations ADD COLUMN sync TEXT'),
];

/**
 * Brings a database up to the newest migration; returns the version it ended at. Each step reads
 * the version inside its own write transaction (BEGIN IMMEDIATE), so two processes opening the same
 * file at once apply each step exactly once: the second waits, then sees it done.
 */
export function migrate(db: Database.Database, list: readonly Migration[] = migrations): number {
  const step = db.transaction((): boolean => {
    const v = db.pragma('user_version', { simple: true }) as number;
    if (v > list.length) {
      throw new Error(`The history database is from a newer Reprise (schema ${v}, this version knows ${list.length}).`);
    }
    if (v === list.length) return false;
    list[v]!(db);
    db.pragma(`user_version = ${v + 1}`);
    return true;
  });
  while (step.immediate()) {
    // one migration applied; look again
  }
  return list.length;
}

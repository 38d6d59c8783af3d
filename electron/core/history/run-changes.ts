// "What changed" rows: per run and destination the counts and the compressed list (change-log.ts).
import type Database from 'better-sqlite3';
import { type ChangeAction, type ChangePage, type ChangeSet, readChanges } from './change-log.js';

export interface DestinationChanges {
  readonly destId: string;
  readonly added: number;
  readonly changed: number;
  readonly deleted: number;
  readonly bytes: number;
}

/** The migration that adds the table (appended to the numbered list in migrations.ts). */
export function createRunChangesTable(db: Database.Database): void {
  db.exec(`
    CREATE TABLE run_changes (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      dest_id TEXT NOT NULL,
      added INTEGER NOT NULL,
      changed INTEGER NOT NULL,
      deleted INTEGER NOT NULL,
      bytes INTEGER NOT NULL,
      list BLOB NOT NULL,
      PRIMARY KEY (run_id, dest_id)
    );
    CREATE INDEX runs_outcome_started ON runs(outcome, started_at DESC);
  `);
}

/** Stores one destination's change set of a run (replacing an earlier one). */
export function saveRunChanges(db: Database.Database, runId: number, destId: string, set: ChangeSet): void {
  db.prepare('INSERT OR REPLACE INTO run_changes (run_id, dest_id, added, changed, deleted, bytes, list) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    runId,
    destId,
    set.added,
    set.changed,
    set.deleted,
    set.bytes,
    set.blob,
  );
}

/** Counts per destination of a run, without reading the lists. */
export function runChangeCounts(db: Database.Database, runId: number): DestinationChanges[] {
  return db
    .prepare<[number], { dest_id: string; added: number; changed: number; deleted: number; bytes: number }>(
      'SELECT dest_id, added, changed, deleted, bytes FROM run_changes WHERE run_id = ? ORDER BY dest_id',
    )
    .all(runId)
    .map((r) => ({ destId: r.dest_id, added: r.added, changed: r.changed, deleted: r.deleted, bytes: r.bytes }));
}

/** A page of one destination's changed files in a run. */
export function readRunChanges(
  db: Database.Database,
  runId: number,
  destId: string,
  opts: { readonly offset?: number; readonly limit?: number; readonly action?: ChangeAction; readonly filter?: string },
): ChangePage {
  const row = db.prepare<[number, string], { list: Buffer }>('SELECT list FROM run_changes WHERE run_id = ? AND dest_id = ?').get(runId, destId);
  return row ? readChanges(row.list, opts) : { entries: [], total: 0 };
}

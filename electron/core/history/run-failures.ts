// Per-file failures of a run, per destination, in the history database (migration 4). At most
// MAX_KEPT are kept per destination and run; the count says how many there were.
import type Database from 'better-sqlite3';
import type { FailedFile, RunFailures } from '../../../shared/run-failures.js';

const MAX_KEPT = 1000;

/** The migration that adds the tables (appended to the numbered list in migrations.ts). */
export function createRunFailuresTable(db: Database.Database): void {
  db.exec(`
    CREATE TABLE run_failures (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      dest_id TEXT NOT NULL,
      path TEXT NOT NULL,
      error TEXT NOT NULL
    );
    CREATE INDEX run_failures_run ON run_failures(run_id, dest_id);
    CREATE TABLE run_failure_counts (
      run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
      dest_id TEXT NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (run_id, dest_id)
    );
  `);
}

/** Stores one destination's failed files of a run (replacing earlier ones). */
export function saveRunFailures(db: Database.Database, runId: number, destId: string, files: readonly { path: string; error: string }[]): void {
  const save = db.transaction(() => {
    db.prepare('DELETE FROM run_failures WHERE run_id = ? AND dest_id = ?').run(runId, destId);
    db.prepare('DELETE FROM run_failure_counts WHERE run_id = ? AND dest_id = ?').run(runId, destId);
    if (files.length === 0) return;
    const insert = db.prepare('INSERT INTO run_failures (run_id, dest_id, path, error) VALUES (?, ?, ?, ?)');
    for (const f of files.slice(0, MAX_KEPT)) insert.run(runId, destId, f.path, f.error.slice(0, 2000));
    db.prepare('INSERT INTO run_failure_counts (run_id, dest_id, count) VALUES (?, ?, ?)').run(runId, destId, files.length);
  });
  try {
    save();
  } catch {
    // The list is a help for the reader; a busy database never fails the run.
  }
}

/** The failed files of a run, every destination. */
export function readRunFailures(db: Database.Database, runId: number, limit: number): RunFailures {
  const files = db
    .prepare<[number, number], { dest_id: string; path: string; error: string }>('SELECT dest_id, path, error FROM run_failures WHERE run_id = ? ORDER BY dest_id, path LIMIT ?')
    .all(runId, limit)
    .map((r): FailedFile => ({ destId: r.dest_id, path: r.path, error: r.error }));
  const counts: Record<string, number> = {};
  for (const r of db.prepare<[number], { dest_id: string; count: number }>('SELECT dest_id, count FROM run_failure_counts WHERE run_id = ?').all(runId)) counts[r.dest_id] = r.count;
  return { runId, files, counts };
}

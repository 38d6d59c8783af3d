// Whether a destination of a job ever had a real (not dry) run that succeeded: the guard that
// tells "the drive is absent today" from "this destination never worked".
import type Database from 'better-sqlite3';

/** A reader over the history database. */
export function everSucceededReader(db: Database.Database): (jobId: string, destId: string) => boolean {
  const q = db.prepare<[string, string], { n: number }>(
    `SELECT COUNT(*) AS n FROM run_destinations d JOIN runs r ON r.id = d.run_id WHERE r.job_id = ? AND d.dest_id = ? AND d.outcome = 'success' AND r.dry_run = 0`,
  );
  return (jobId, destId) => (q.get(jobId, destId)?.n ?? 0) > 0;
}

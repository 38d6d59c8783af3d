// The history of runs in SQLite: opened by the core only, WAL so the CLI and the app can share it.
import type Database from 'better-sqlite3';
import type { DestinationResult, Outcome, RunSummary, RunTrigger } from '../../../shared/model.js';
import { migrate } from './migrations.js';
import { openRecovering } from './recover-sqlite.js';

interface RunRow {
  id: number;
  job_id: string;
  job_name: string;
  trigger: string;
  dry_run: number;
  started_at: number;
  ended_at: number | null;
  outcome: string;
  bytes: number;
  files: number;
  errors: number;
  first_error: string | null;
  log_path: string | null;
  pid: number | null;
}
interface DestRow {
  run_id: number;
  dest_id: string;
  kind: string;
  target: string;
  outcome: string;
  started_at: number;
  ended_at: number | null;
  bytes: number;
  files: number;
  errors: number;
  first_error: string | null;
  requests: number | null;
  sync: string | null;
}

export interface NewRun {
  readonly jobId: string;
  readonly jobName: string;
  readonly trigger: RunTrigger;
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly logPath: string | null;
}

export interface RunTotals {
  readonly outcome: Outcome;
  readonly endedAt: number;
  readonly bytes: number;
  readonly files: number;
  readonly errors: number;
  readonly firstError: string | null;
}

export type History = ReturnType<typeof openHistory>;

/** Opens (creating and migrating) the history database at path; a damaged one is moved aside and started anew. */
export function openHistory(path: string) {
  const { db, recovered } = openRecovering(
    path,
    (d) => {
      d.pragma('foreign_keys = ON');
      migrate(d);
    },
    { busyTimeoutMs: 5000 },
  );

  const toDest = (r: DestRow): DestinationResult => ({
    destId: r.dest_id,
    kind: r.kind as DestinationResult['kind'],
    target: r.target,
    outcome: r.outcome as Outcome,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    bytes: r.bytes,
    files: r.files,
    errors: r.errors,
    firstError: r.first_error,
    ...(typeof r.requests === 'number' ? { requests: r.requests } : {}),
    ...(r.sync === 'full' || r.sync === 'top-up' ? { sync: r.sync } : {}),
  });
  const destsOf = db.prepare<[number], DestRow>('SELECT * FROM run_destinations WHERE run_id = ? ORDER BY started_at, dest_id');
  const toRun = (r: RunRow): RunSummary => ({
    id: r.id,
    jobId: r.job_id,
    jobName: r.job_name,
    trigger: r.trigger as RunTrigger,
    dryRun: r.dry_run === 1,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    outcome: r.outcome as Outcome,
    bytes: r.bytes,
    files: r.files,
    errors: r.errors,
    firstError: r.first_error,
    logPath: r.log_path,
    destinations: destsOf.all(r.id).map(toDest),
  });

  const insertRun = db.prepare(
    `INSERT INTO runs (job_id, job_name, trigger, dry_run, started_at, outcome, log_path, pid) VALUES (@jobId, @jobName, @trigger, @dryRun, @startedAt, 'running', @logPath, @pid)`,
  );
  const setLog = db.prepare('UPDATE runs SET log_path = ? WHERE id = ?');
  const finishRunStmt = db.prepare(
    `UPDATE runs SET outcome=@outcome, ended_at=@endedAt, bytes=@bytes, files=@files, errors=@errors, first_error=@firstError WHERE id=@id`,
  );
  const upsertDest = db.prepare(
    `INSERT INTO run_destinations (run_id, dest_id, kind, target, outcome, started_at, ended_at, bytes, files, errors, first_error, requests, sync)
     VALUES (@runId, @destId, @kind, @target, @outcome, @startedAt, @endedAt, @bytes, @files, @errors, @firstError, @requests, @sync)
     ON CONFLICT(run_id, dest_id) DO UPDATE SET outcome=excluded.outcome, ended_at=excluded.ended_at, bytes=excluded.bytes,
       files=excluded.files, errors=excluded.errors, first_error=excluded.first_error, requests=excluded.requests, sync=excluded.sync`,
  );
  const getRun = db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?');
  const listAll = db.prepare<[number], RunRow>('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?');
  const listJob = db.prepare<[string, number], RunRow>('SELECT * FROM runs WHERE job_id = ? ORDER BY started_at DESC, id DESC LIMIT ?');
  const lastOfJob = db.prepare<[string], RunRow>(
    `SELECT * FROM runs WHERE job_id = ? AND dry_run = 0 ORDER BY started_at DESC, id DESC LIMIT 1`,
  );
  const runningRows = db.prepare<[], { id: number; pid: number | null }>(`SELECT id, pid FROM runs WHERE outcome = 'running'`);
  const markInterrupted = db.prepare(`UPDATE runs SET outcome='interrupted', ended_at=COALESCE(ended_at, ?) WHERE id = ?`);
  const runningRowsFull = db.prepare<[], { id: number; job_id: string; pid: number | null }>(`SELECT id, job_id, pid FROM runs WHERE outcome = 'running'`);
  const markDestsInterrupted = db.prepare(`UPDATE run_destinations SET outcome='interrupted', ended_at=COALESCE(ended_at, ?) WHERE run_id = ? AND outcome='running'`);

  return {
    /** Set when the file was damaged at open and replaced by a new one (tell the user once). */
    recovered,
    /** The raw database, for migrations' tests and other areas' tables. */
    raw(): Database.Database {
      return db;
    },
    /** Records a run as started and returns its id. */
    startRun(run: NewRun): number {
      return Number(insertRun.run({ ...run, dryRun: run.dryRun ? 1 : 0, pid: process.pid }).lastInsertRowid);
    },
    setLogPath(id: number, logPath: string): void {
      setLog.run(logPath, id);
    },
    /** Records (or updates) one destination's result within a run. */
    recordDestination(runId: number, d: DestinationResult): void {
      upsertDest.run({ runId, ...d, requests: d.requests ?? null, sync: d.sync ?? null });
    },
    finishRun(id: number, totals: RunTotals): void {
      finishRunStmt.run({ id, ...totals });
    },
    get(id: number): RunSummary | null {
      const row = getRun.get(id);
      return row ? toRun(row) : null;
    },
    /** Runs matching a filter (job, outcome, start time range), newest first. */
    query(f: { readonly jobId?: string; readonly outcome?: Outcome; readonly since?: number; readonly until?: number; readonly limit: number }): RunSummary[] {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (f.jobId) (where.push('job_id = ?'), args.push(f.jobId));
      if (f.outcome) (where.push('outcome = ?'), args.push(f.outcome));
      if (f.since !== undefined) (where.push('started_at >= ?'), args.push(f.since));
      if (f.until !== undefined) (where.push('started_at < ?'), args.push(f.until));
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`;
      return db.prepare<(string | number)[], RunRow>(sql).all(...args, f.limit).map(toRun);
    },
    list(jobId: string | undefined, limit: number): RunSummary[] {
      const rows = jobId ? listJob.all(jobId, limit) : listAll.all(limit);
      return rows.map(toRun);
    },
    lastRun(jobId: string): RunSummary | null {
      const row = lastOfJob.get(jobId);
      return row ? toRun(row) : null;
    },
    /**
     * A number that changes whenever another process (a `reprise run`, a second window's core)
     * commits to the database; this connection's own writes leave it as it is. Cheap to ask often.
     */
    outsideVersion(): number {
      return db.pragma('data_version', { simple: true }) as number;
    },
    /** Runs that another, still living, process is running now. */
    runningElsewhere(isAlive: (pid: number) => boolean = pidAlive): { runId: number; jobId: string }[] {
      return runningRowsFull
        .all()
        .filter((r) => r.pid !== null && r.pid !== process.pid && isAlive(r.pid))
        .map((r) => ({ runId: r.id, jobId: r.job_id }));
    },
    /** Rows still "running" whose process is gone (the app was killed) become "interrupted"; returns their ids. */
    interruptStale(now: number, isAlive: (pid: number) => boolean = pidAlive): number[] {
      return db.transaction(() => {
        const stale = runningRows.all().filter((r) => r.pid === null || r.pid === process.pid || !isAlive(r.pid));
        for (const r of stale) {
          markDestsInterrupted.run(now, r.id);
          markInterrupted.run(now, r.id);
        }
        return stale.map((r) => r.id);
      })();
    },
    close(): void {
      db.close();
    },
  };
}

/** Whether a process with this pid still exists. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The audit log, kept in the history database: one row per operation that changed a remote or the
// rclone config (from the window, the CLI, serve or a job) and per backup run. Written when the
// operation ends, never read back by anything that decides; `reprise audit` and History's Activity
// view show it.
import type Database from 'better-sqlite3';
import type { AuditActor, AuditEntry, AuditResult } from '../../../shared/audit.js';

/** The migration that adds the table (appended to the numbered list in history/migrations.ts). */
export function createAuditTable(db: Database.Database): void {
  db.exec(`
    CREATE TABLE audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      actor TEXT NOT NULL,
      operation TEXT NOT NULL,
      source TEXT,
      destination TEXT,
      result TEXT NOT NULL,
      files INTEGER NOT NULL DEFAULT 0,
      bytes INTEGER NOT NULL DEFAULT 0,
      detail TEXT
    );
    CREATE INDEX audit_at ON audit(at DESC);
  `);
}

/** What an operation adds to the log (id and time are the log's). */
export type AuditRecord = Omit<AuditEntry, 'id' | 'at' | 'actor' | 'files' | 'bytes' | 'source' | 'destination' | 'detail'> &
  Partial<Pick<AuditEntry, 'actor' | 'files' | 'bytes' | 'source' | 'destination' | 'detail'>>;

/** The audit log of one core. */
export interface AuditLog {
  /** Who this core acts for when an operation does not say (the host: window, cli or serve). */
  readonly actor: AuditActor;
  record(entry: AuditRecord): void;
  list(o: { limit: number; operation?: string | undefined }): AuditEntry[];
}

interface Row {
  id: number;
  at: number;
  actor: AuditActor;
  operation: string;
  source: string | null;
  destination: string | null;
  result: AuditResult;
  files: number;
  bytes: number;
  detail: string | null;
}

/** Opens the log over the history database; `redact` keeps secrets out of what is stored. */
export function auditLog(db: Database.Database, now: () => number, actor: AuditActor, redact: (text: string) => string = (t) => t): AuditLog {
  const insert = db.prepare('INSERT INTO audit (at, actor, operation, source, destination, result, files, bytes, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const clean = (t: string | null | undefined): string | null => (t === null || t === undefined ? null : redact(t).slice(0, 4000));
  return {
    actor,
    record(e) {
      try {
        insert.run(now(), e.actor ?? actor, e.operation, clean(e.source), clean(e.destination), e.result, Math.max(0, Math.round(e.files ?? 0)), Math.max(0, Math.round(e.bytes ?? 0)), clean(e.detail));
      } catch {
        // The log never stops the operation it describes (a busy or damaged database).
      }
    },
    list(o) {
      const rows = o.operation
        ? db.prepare<[string, number], Row>("SELECT * FROM audit WHERE operation LIKE ? || '%' ORDER BY at DESC, id DESC LIMIT ?").all(o.operation, o.limit)
        : db.prepare<[number], Row>('SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?').all(o.limit);
      return rows.map((r) => ({ ...r }));
    },
  };
}

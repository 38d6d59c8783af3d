// The audit log as clients see it: every operation that changed a remote or the rclone config, and
// every backup run — when, who started it, what, from where to where, how it ended, how much.

/** Who started an operation: the desktop window, the command line, the schedule, or a browser on `reprise serve`. */
export type AuditActor = 'window' | 'cli' | 'schedule' | 'serve';

/** How an audited operation ended. */
export type AuditResult = 'ok' | 'failed' | 'partial' | 'cancelled' | 'dry-run';

/** One line of the audit log. */
export interface AuditEntry {
  readonly id: number;
  /** Epoch ms when it ended. */
  readonly at: number;
  readonly actor: AuditActor;
  /** e.g. "run", "remote add", "files copy". */
  readonly operation: string;
  readonly source: string | null;
  readonly destination: string | null;
  readonly result: AuditResult;
  readonly files: number;
  readonly bytes: number;
  /** The error, or what else is worth knowing, in words. */
  readonly detail: string | null;
}

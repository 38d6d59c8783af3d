// Errors of a restore carry a kind so the CLI and UI say what happened and what to do next.

/** Every way a restore can be refused or fail. */
export type RestoreErrorKind =
  | 'unsafe-path'
  | 'not-found'
  | 'restore-point-missing'
  | 'target-missing'
  | 'cancelled'
  | 'copy-failed'
  | 'spawn-failed';

/** A refused or failed restore. */
export class RestoreError extends Error {
  readonly kind: RestoreErrorKind;
  readonly exitCode: number | undefined;
  readonly stderrTail: string | undefined;

  constructor(kind: RestoreErrorKind, message: string, extra: { exitCode?: number; stderrTail?: string; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'RestoreError';
    this.kind = kind;
    this.exitCode = extra.exitCode;
    this.stderrTail = extra.stderrTail;
  }
}

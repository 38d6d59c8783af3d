// Errors of the snapshot engine carry a kind so callers map them once to words for the user.

/** Every way a snapshot run can fail before or while rsync runs. */
export type SnapshotErrorKind =
  | 'destination-missing'
  | 'destination-full'
  | 'source-missing'
  | 'invalid-source'
  | 'source-name-clash'
  | 'cancelled'
  | 'spawn-failed'
  | 'rsync-failed'
  | 'sqlite-copy-failed'
  | 'protected-snapshot';

/** A failed snapshot run; `exitCode` and `stderrTail` keep rsync's own words. */
export class SnapshotError extends Error {
  readonly kind: SnapshotErrorKind;
  readonly exitCode: number | undefined;
  readonly stderrTail: string | undefined;

  constructor(
    kind: SnapshotErrorKind,
    message: string,
    extra: { exitCode?: number; stderrTail?: string; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'SnapshotError';
    this.kind = kind;
    this.exitCode = extra.exitCode;
    this.stderrTail = extra.stderrTail;
  }
}

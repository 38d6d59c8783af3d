// Errors of the remotes area: each carries a `kind` the boundary maps to words for the user.
export type RemoteErrorKind =
  | 'invalid-name'
  | 'invalid-option'
  | 'not-found'
  | 'already-exists'
  | 'in-use'
  | 'password-required'
  | 'wrong-password'
  | 'timeout'
  | 'cancelled'
  | 'spawn-failed'
  | 'rclone-failed'
  | 'auth-failed'
  | 'unreachable'
  | 'protocol';

/** Options for a RemoteError: an exit code and the tail of stderr, both already redacted. */
export interface RemoteErrorDetails {
  readonly exitCode?: number;
  readonly stderrTail?: string;
  /** The next step, when the area knows it better than the kind does. */
  readonly hint?: string;
}

// A failure in the remotes area. The message is plain words and never contains a secret.
export class RemoteError extends Error {
  readonly kind: RemoteErrorKind;
  readonly exitCode: number | undefined;
  readonly stderrTail: string | undefined;
  readonly hint: string | undefined;

  constructor(kind: RemoteErrorKind, message: string, details: RemoteErrorDetails = {}) {
    super(message);
    this.name = 'RemoteError';
    this.kind = kind;
    this.exitCode = details.exitCode;
    this.stderrTail = details.stderrTail;
    this.hint = details.hint;
  }
}

// Closes an exhaustive switch: the compiler complains when a case is missing.
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

// Result<T>: nothing throws across a process boundary; every command answers with one of these.

/** What went wrong, as a closed set the UI and CLI can map to plain words. */
export type ErrorKind =
  | 'invalid-request'
  | 'not-found'
  | 'conflict'
  | 'busy'
  | 'tool-missing'
  | 'tool-too-old'
  | 'source-missing'
  | 'destination-missing'
  | 'unknown-remote'
  | 'spawn-failed'
  | 'exit-code'
  | 'cancelled'
  | 'unauthorized'
  | 'internal';

export interface AppError {
  readonly kind: ErrorKind;
  /** One sentence a user can read: what happened. */
  readonly message: string;
  /** What to do next, when we know. */
  readonly hint?: string;
  /** Folded details (stderr tail, exit code) — never secrets. */
  readonly detail?: string;
}

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: AppError };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds a failed Result from an error kind and a user-readable message. */
export function fail<T = never>(kind: ErrorKind, message: string, extra: { hint?: string; detail?: string } = {}): Result<T> {
  return { ok: false, error: { kind, message, ...extra } };
}

/** An Error that carries an AppError, thrown inside the core and turned into a Result at the boundary. */
export class RepriseError extends Error {
  constructor(readonly appError: AppError) {
    super(appError.message);
    this.name = 'RepriseError';
  }
}

/** Throws a RepriseError; for use deep in the core where returning a Result would be clumsy. */
export function raise(kind: ErrorKind, message: string, extra: { hint?: string; detail?: string } = {}): never {
  throw new RepriseError({ kind, message, ...extra });
}

/** Closes an exhaustive switch: the compiler proves this is never reached. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}

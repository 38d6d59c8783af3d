// Which failures are worth trying again, and how long to wait: a pure policy, so the rules can be
// read and tested in one place (and the waiting is done on the injected clock).
import type { Clock } from './clock.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** ± this share of the delay is randomised so many clients do not retry in lockstep. */
  readonly jitterRatio: number;
}

/** Three attempts: after ~30 s, then ~2 min. A network blip heals; a dead server is reported soon. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, initialDelayMs: 30_000, factor: 4, maxDelayMs: 10 * 60_000, jitterRatio: 0.2 };

export interface FailureInfo {
  /** The error kind the runner reported ('exit-code', 'spawn-failed', 'destination-missing', …). */
  readonly kind: string;
  readonly tool?: 'rclone' | 'rsync';
  readonly exitCode?: number | null;
  /** The first error line or stderr tail; only used to recognise network trouble. */
  readonly message?: string | null;
}

// rclone 1.60: 5 = "temporary error, more retries might fix it" (see RCLONE-1.60.md).
const RCLONE_TRANSIENT_EXIT = new Set([5]);
// 2 syntax/usage, 3 directory not found, 4 file not found, 7 fatal ("account suspended"): trying
// again cannot help, whatever words the error happens to contain.
const RCLONE_PERMANENT_EXIT = new Set([2, 3, 4, 7]);
// rsync(1) EXIT VALUES: 10 socket I/O, 12 protocol stream, 30 timeout in data send/receive,
// 35 timeout waiting for daemon connection; 255 is ssh failing to connect.
const RSYNC_TRANSIENT_EXIT = new Set([10, 12, 30, 35, 255]);
const NEVER_RETRY = new Set(['cancelled', 'destination-missing', 'source-missing', 'tool-missing', 'tool-too-old', 'unknown-remote', 'invalid-request', 'spawn-failed', 'unauthorized', 'not-found']);
// rclone's own words, and the plain sentences rclone/plain-reason.ts turns them into.
const NETWORK_WORDS =
  /connection (refused|reset|timed out|closed)|i\/o timeout|timeout awaiting|no such host|temporary failure in name resolution|network is unreachable|tls handshake timeout|broken pipe|unexpected eof|\b(502|503|504)\b|too many requests|\b429\b|does not answer|stopped answering|dropped the connection|is unreachable|did not complete a secure connection/i;

/** Whether a failure's words say the network (or the server on it) is the problem. */
export function looksLikeNetwork(message: string | null | undefined): boolean {
  return NETWORK_WORDS.test(message ?? '');
}

/** True when trying again later may well succeed (network trouble, rclone's own "retry" code). */
export function isTransient(failure: FailureInfo): boolean {
  if (NEVER_RETRY.has(failure.kind)) return false;
  const code = failure.exitCode ?? null;
  if (code !== null && failure.tool === 'rclone' && RCLONE_TRANSIENT_EXIT.has(code)) return true;
  if (code !== null && failure.tool === 'rclone' && RCLONE_PERMANENT_EXIT.has(code)) return false;
  if (code !== null && failure.tool === 'rsync' && RSYNC_TRANSIENT_EXIT.has(code)) return true;
  return NETWORK_WORDS.test(failure.message ?? '');
}

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'permanent' | 'attempts-exhausted' };

/** Decides after failed attempt number `attempt` (1-based) whether to retry and after how long. */
export function retryDecision(policy: RetryPolicy, attempt: number, failure: FailureInfo, random: () => number = Math.random): RetryDecision {
  if (!isTransient(failure)) return { retry: false, reason: 'permanent' };
  if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts-exhausted' };
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (attempt - 1));
  const jitter = base * policy.jitterRatio * (2 * random() - 1);
  return { retry: true, delayMs: Math.max(0, Math.round(base + jitter)) };
}

export type AttemptOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly value: T; readonly failure: FailureInfo };

export interface RetryRun<T> {
  readonly value: T;
  readonly ok: boolean;
  readonly attempts: number;
  readonly failure: FailureInfo | null;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  /** Told before each wait, e.g. to show "Retrying in 30 s" and log it. */
  readonly onRetry?: (info: { readonly attempt: number; readonly delayMs: number; readonly failure: FailureInfo }) => void;
}

/** Runs `attempt` until it succeeds, fails permanently, runs out of attempts or is cancelled. */
export async function runWithRetry<T>(attempt: (n: number) => Promise<AttemptOutcome<T>>, opts: RetryOptions): Promise<RetryRun<T>> {
  for (let n = 1; ; n++) {
    const out = await attempt(n);
    if (out.ok) return { value: out.value, ok: true, attempts: n, failure: null };
    const decision = retryDecision(opts.policy, n, out.failure, opts.random);
    if (!decision.retry || opts.signal?.aborted) return { value: out.value, ok: false, attempts: n, failure: out.failure };
    opts.onRetry?.({ attempt: n, delayMs: decision.delayMs, failure: out.failure });
    const waited = await wait(opts.clock, opts.clock.now() + decision.delayMs, opts.signal);
    if (!waited) return { value: out.value, ok: false, attempts: n, failure: out.failure };
  }
}

// Resolves true at `atMs`, false as soon as the signal aborts.
function wait(clock: Clock, atMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    // Re-arm until the wall clock really reached atMs (the system clock caps single waits).
    let cancel = () => {};
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const arm = () => {
      cancel = clock.setTimer(atMs, () => {
        if (clock.now() >= atMs) {
          signal?.removeEventListener('abort', onAbort);
          resolve(true);
        } else arm();
      });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    arm();
  });
}

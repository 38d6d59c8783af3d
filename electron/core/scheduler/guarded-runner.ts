// Wraps every destination runner with what the scheduler promises for each destination: a local
// destination on an absent drive is skipped ("destination missing"), never failed or recreated;
// transient failures (network) are retried with backoff, and the wait is shown ("can't reach dav
// — retrying in 31 s (attempt 2 of 4)"); a child killed from outside is a failure that says so,
// never "cancelled" (only the user's Cancel is); a good run leaves the presence marker.
import { type ChildEnd, nestedOwner, runOwnedBy } from '../process/child-owner.js';
import { remoteOf } from '../../../shared/remotes/remote-path.js';
import type { Clock } from './clock.js';
import { checkLocalDestination, isLocalTarget, markDestination } from './destination-presence.js';
import { type RetryPolicy, looksLikeNetwork, runWithRetry } from './retry-policy.js';
import type { DestinationContext, DestinationOutcome, DestinationRunner, DestinationRunners, StepProgress } from '../runs/destination-runner.js';

export interface GuardOptions {
  readonly clock: Clock;
  /** The policy, read afresh for every destination run (settings may change it). */
  readonly retry: RetryPolicy | (() => RetryPolicy);
  /** Whether this destination of this job ever had a good run (history). */
  readonly everSucceeded: (jobId: string, destId: string) => boolean;
}

const idle: Omit<StepProgress, 'retry'> = { step: 1, steps: 1, bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0, eta: null, fraction: 0, current: [], errors: 0, elapsed: 0 };

/** The short name of a destination in messages: the remote's name, or the folder. */
export function destinationName(target: string): string {
  return remoteOf(target) ?? target;
}

// A child ended by a signal nobody here sent: killed from outside (kill -9, the OOM killer).
function killedFromOutside(e: ChildEnd): boolean {
  return e.signal !== null && !e.cancelled && !e.stalled;
}

/** Runs the runner once, turning "cancelled" that the user did not ask for into a plain failure. */
async function attemptOnce(runner: DestinationRunner, ctx: DestinationContext): Promise<DestinationOutcome> {
  const killed: ChildEnd[] = [];
  const out = await runOwnedBy(nestedOwner({ exited: (e) => void (killedFromOutside(e) && killed.push(e)) }), () => runner(ctx));
  if (out.outcome !== 'cancelled' || ctx.signal.aborted) return out;
  const k = killed.at(-1);
  const message = k ? `${k.tool} was stopped by a signal (${k.signal})` : 'the backup was stopped from outside Reprise';
  ctx.log(`# ${message}; not a cancel by the user, so the run counts as failed`);
  return { ...out, outcome: 'failed', errors: Math.max(1, out.errors), firstError: message, failure: { tool: k?.tool === 'rclone' ? 'rclone' : 'rsync', exitCode: null, kind: 'killed' } };
}

/** The runner with presence check, retries and the marker around it. */
export function guardRunner(runner: DestinationRunner, o: GuardOptions): DestinationRunner {
  return async (ctx: DestinationContext): Promise<DestinationOutcome> => {
    const local = isLocalTarget(ctx.dest.target);
    if (local) {
      const presence = checkLocalDestination(ctx.dest.target, { everUsed: o.everSucceeded(ctx.job.id, ctx.dest.id) });
      if (!presence.present) {
        ctx.log(`# skipped: ${presence.message} ${presence.hint}`);
        return { outcome: 'skipped', bytes: 0, files: 0, errors: 0, firstError: presence.message };
      }
    }
    const policy = typeof o.retry === 'function' ? o.retry() : o.retry;
    const name = destinationName(ctx.dest.target);
    const result = await runWithRetry<DestinationOutcome>(
      async (n) => {
        if (n > 1) {
          ctx.log(`# attempt ${n} of ${policy.maxAttempts}`);
          // "What changed" is the last attempt's: each attempt compares with the last point again.
          ctx.restartChanges();
          ctx.progress({ ...idle, retry: null });
        }
        const out = await attemptOnce(runner, ctx);
        if (out.outcome !== 'failed') return { ok: true, value: out };
        const f = out.failure;
        return { ok: false, value: out, failure: { kind: f?.kind ?? 'exit-code', message: out.firstError, ...(f ? { tool: f.tool, exitCode: f.exitCode } : {}) } };
      },
      {
        policy,
        clock: o.clock,
        signal: ctx.signal,
        onRetry: ({ attempt, delayMs, failure }) => {
          ctx.log(
            `# attempt ${attempt} of ${policy.maxAttempts} failed (${failure.tool && failure.exitCode != null ? `${failure.tool} exit ${failure.exitCode}: ` : ''}${failure.message ?? 'error'}); retrying in ${Math.round(delayMs / 1000)} s`,
          );
          // This destination's own state while it waits, not the figures of whatever ran before.
          // A remote source that stopped answering is not the destination's fault.
          const reason = failure.kind === 'source-unreachable' ? "can't reach the source" : looksLikeNetwork(failure.message) ? `can't reach ${name}` : `${name} failed`;
          ctx.progress({ ...idle, errors: 1, retry: { reason, attempt: attempt + 1, attempts: policy.maxAttempts, delayMs } });
        },
      },
    );
    if (local && !ctx.dryRun && result.value.outcome === 'success') {
      try {
        markDestination(ctx.dest.target, { jobId: ctx.job.id, atMs: o.clock.now() });
      } catch (err) {
        ctx.log(`# could not write the destination marker: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return result.value;
  };
}

/** Guards every runner of a registry. */
export function guardRunners<R extends DestinationRunners>(runners: R, o: GuardOptions): R {
  const out: Record<string, DestinationRunner> = {};
  for (const [kind, runner] of Object.entries(runners)) out[kind] = guardRunner(runner, o);
  return out as R;
}

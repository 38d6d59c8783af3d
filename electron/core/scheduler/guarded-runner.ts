// Wraps every destination runner with what the scheduler promises for each destination: a local
// destination on an absent drive is skipped ("destination missing"), never failed or recreated;
// transient failures (network) are retried with backoff; a good run leaves the presence marker.
import type { Clock } from './clock.js';
import { checkLocalDestination, isLocalTarget, markDestination } from './destination-presence.js';
import { type RetryPolicy, runWithRetry } from './retry-policy.js';
import type { DestinationContext, DestinationOutcome, DestinationRunner, DestinationRunners } from '../runs/destination-runner.js';

export interface GuardOptions {
  readonly clock: Clock;
  readonly retry: RetryPolicy;
  /** Whether this destination of this job ever had a good run (history). */
  readonly everSucceeded: (jobId: string, destId: string) => boolean;
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
    const result = await runWithRetry<DestinationOutcome>(
      async () => {
        const out = await runner(ctx);
        if (out.outcome !== 'failed') return { ok: true, value: out };
        const f = out.failure;
        return { ok: false, value: out, failure: { kind: f?.kind ?? 'exit-code', message: out.firstError, ...(f ? { tool: f.tool, exitCode: f.exitCode } : {}) } };
      },
      {
        policy: o.retry,
        clock: o.clock,
        signal: ctx.signal,
        onRetry: ({ attempt, delayMs, failure }) =>
          ctx.log(`# attempt ${attempt} failed (${failure.tool && failure.exitCode != null ? `${failure.tool} exit ${failure.exitCode}: ` : ''}${failure.message ?? 'error'}); retrying in ${Math.round(delayMs / 1000)} s`),
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

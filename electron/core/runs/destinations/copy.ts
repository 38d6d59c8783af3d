// The "copy" destination: additive `rclone copy` of each source into TARGET/<source folder name>.
import { basename } from 'node:path';
import { joinTarget } from '../../rclone/targets.js';
import { runRcloneTransfer } from '../../rclone/rclone-transfer.js';
import type { Verdict } from '../../process/exit-policy.js';
import type { DestinationContext, DestinationOutcome } from '../destination-runner.js';

/** One destination's outcome from its sources' verdicts: some copied and some not is partial. */
export function sourcesOutcome(verdicts: readonly Exclude<Verdict, 'cancelled'>[]): 'success' | 'partial' | 'failed' {
  if (verdicts.every((v) => v === 'success')) return 'success';
  if (verdicts.every((v) => v === 'failed')) return 'failed';
  return 'partial';
}

/** Copies every source of the job to the destination, one rclone child per source. */
export async function runCopyDestination(ctx: DestinationContext): Promise<DestinationOutcome> {
  const steps = ctx.job.sources.length;
  let bytes = 0;
  let files = 0;
  let errors = 0;
  let firstError: string | null = null;
  let failure: DestinationOutcome['failure'];
  const verdicts: Exclude<Verdict, 'cancelled'>[] = [];
  for (let i = 0; i < steps; i++) {
    const source = ctx.job.sources[i]!;
    const target = joinTarget(ctx.dest.target, basename(source));
    const args = [
      'copy',
      ...ctx.job.excludes.map((e) => `--exclude=${e}`),
      ...(ctx.job.bwlimit ? [`--bwlimit=${ctx.job.bwlimit}`] : []),
      ...(ctx.job.transfers ? [`--transfers=${ctx.job.transfers}`] : []),
      ...(ctx.job.checkers ? [`--checkers=${ctx.job.checkers}`] : []),
      ...(ctx.dryRun ? ['--dry-run'] : []),
      '--',
      source,
      target,
    ];
    ctx.log(`# rclone copy "${source}" → "${target}"`);
    const r = await runRcloneTransfer({
      rclone: ctx.rclone,
      args,
      signal: ctx.signal,
      log: ctx.log,
      onChange: ctx.change,
      onStats: (s) => {
        const fraction = s.totalBytes > 0 ? s.bytes / s.totalBytes : s.totalTransfers > 0 ? s.transfers / s.totalTransfers : 0;
        ctx.progress({
          step: i + 1,
          steps,
          bytes: bytes + s.bytes,
          totalBytes: bytes + s.totalBytes,
          files: files + s.transfers,
          totalFiles: files + s.totalTransfers,
          speed: s.speed,
          eta: s.eta,
          fraction: (i + Math.min(1, fraction)) / steps,
          current: s.transferring.map((t) => ({ name: t.name, percent: t.percentage, size: t.size })),
          errors: errors + s.errors,
          elapsed: s.elapsedTime,
        });
      },
    });
    bytes += r.stats?.bytes ?? 0;
    files += r.stats?.transfers ?? 0;
    errors += r.stats?.errors ?? (r.verdict === 'failed' ? 1 : 0);
    firstError ??= r.firstError;
    if (r.verdict === 'failed') failure ??= { tool: 'rclone', exitCode: r.exitCode };
    if (r.verdict === 'cancelled') return { outcome: 'cancelled', bytes, files, errors, firstError };
    if (ctx.job.verify && !ctx.dryRun && r.verdict !== 'failed') {
      // Verify reads both sides again: every source file must be at the destination, same size
      // and hash where the remote has one. --one-way because copy never deletes extra files there.
      const v = await verifyCopy(ctx, source, target);
      if (v.verdict === 'cancelled') return { outcome: 'cancelled', bytes, files, errors, firstError };
      if (v.verdict !== 'success') {
        errors += Math.max(1, v.stats?.errors ?? 0);
        firstError ??= `Verification found differences: ${v.firstError ?? 'see the log'}`;
        verdicts.push('failed');
        continue;
      }
    }
    verdicts.push(r.verdict);
  }
  const outcome = sourcesOutcome(verdicts);
  return { outcome, bytes, files, errors, firstError, ...(outcome === 'failed' && failure ? { failure } : {}) };
}

// `rclone check --one-way` of one source against its copy; differences are errors in the log.
async function verifyCopy(ctx: DestinationContext, source: string, target: string) {
  ctx.log(`# verify: rclone check --one-way "${source}" "${target}"`);
  const v = await runRcloneTransfer({
    rclone: ctx.rclone,
    args: ['check', '--one-way', ...ctx.job.excludes.map((e) => `--exclude=${e}`), ...(ctx.job.checkers ? [`--checkers=${ctx.job.checkers}`] : []), '--', source, target],
    signal: ctx.signal,
    log: ctx.log,
    onStats: () => {},
  });
  ctx.log(`# verify: ${v.verdict === 'success' ? 'every file matches' : v.verdict}`);
  return v;
}

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
    if (r.verdict === 'cancelled') return { outcome: 'cancelled', bytes, files, errors, firstError };
    verdicts.push(r.verdict);
  }
  return { outcome: sourcesOutcome(verdicts), bytes, files, errors, firstError };
}

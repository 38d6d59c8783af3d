// The "mirror" destination: rclone sync to TARGET/current/<source> with replaced and deleted files
// kept in TARGET/versions/<run>/<source>, a manifest per run, the deletion guard, then retention.
import { parseRcloneLine } from '../../progress/rclone-json.js';
import { configArgs } from '../../rclone/rclone-env.js';
import { restorePointsInUse } from '../../restore/in-use.js';
import { MirrorPruneError, pruneMirrorVersions } from '../../snapshots/mirror-prune.js';
import { MirrorError, runMirror } from '../../snapshots/mirror-run.js';
import { createRcloneExec } from '../../snapshots/rclone-exec.js';
import { repriseVersion } from '../../version.js';
import type { DestinationContext, DestinationOutcome } from '../destination-runner.js';

/** Runs one versioned-mirror backup of every source of the job. */
export async function runMirrorDestination(ctx: DestinationContext): Promise<DestinationOutcome> {
  const exec = createRcloneExec({ bin: ctx.rclone.bin, configFile: configArgs(ctx.rclone)[1] ?? null, env: ctx.rclone.env });
  const steps = ctx.job.sources.length;
  const bases = ctx.job.sources.map((s) => s.split('/').filter(Boolean).at(-1) ?? s);
  // rclone's stats restart for each source: remember the last bytes of each to report a total.
  const bytesBy = new Map<string, number>();
  try {
    const manifest = await runMirror({
      target: ctx.dest.target,
      sources: ctx.job.sources,
      job: { id: ctx.job.id, name: ctx.job.name },
      repriseVersion: repriseVersion(),
      exec,
      excludes: ctx.job.excludes,
      dryRun: ctx.dryRun,
      clock: () => new Date(ctx.now()),
      signal: ctx.signal,
      onLine: (line, base) => {
        ctx.log(line);
        const parsed = parseRcloneLine(line);
        if (parsed.type !== 'stats') return;
        const s = parsed.stats;
        const step = Math.max(0, bases.indexOf(base));
        bytesBy.set(base, s.bytes);
        const fraction = s.totalBytes > 0 ? s.bytes / s.totalBytes : s.totalTransfers > 0 ? s.transfers / s.totalTransfers : 0;
        ctx.progress({
          step: step + 1,
          steps,
          bytes: s.bytes,
          totalBytes: s.totalBytes,
          files: s.transfers,
          totalFiles: s.totalTransfers,
          speed: s.speed,
          eta: s.eta,
          fraction: (step + Math.min(1, fraction)) / steps,
          current: s.transferring.map((t) => ({ name: t.name, percent: t.percentage, size: t.size })),
          errors: s.errors,
          elapsed: s.elapsedTime,
        });
      },
    });
    const files = manifest.sources.reduce((n, s) => n + s.transferred, 0);
    const bytes = [...bytesBy.values()].reduce((n, b) => n + b, 0);
    const firstError = manifest.sources.find((s) => s.error)?.error ?? null;
    if (manifest.unchanged) ctx.log('# nothing changed since the newest restore point: no new one written');
    else ctx.log(`# mirror run ${manifest.id}: ${manifest.outcome}; ${files} files copied, ${manifest.sources.reduce((n, s) => n + s.versioned, 0)} kept in versions/${manifest.id}`);
    if (!ctx.dryRun && ctx.job.retention && (manifest.outcome === 'ok' || manifest.outcome === 'warning')) {
      try {
        const pruned = await pruneMirrorVersions(exec, ctx.dest.target, ctx.job.retention, (line) => ctx.log(line), restorePointsInUse(ctx.dest.target), {
          utcOffsetMinutes: -new Date(ctx.now()).getTimezoneOffset(),
        });
        if (pruned.length) ctx.log(`# retention: removed ${pruned.length} restore point(s) the policy does not keep`);
      } catch (e) {
        // The backup itself is done; an interrupted prune leaves every kept point whole and the next run finishes it.
        if (!(e instanceof MirrorPruneError)) throw e;
        ctx.log(`# retention: ${e.message}`);
      }
    }
    switch (manifest.outcome) {
      case 'ok':
        return { outcome: 'success', bytes, files, errors: 0, firstError: null };
      case 'warning':
      case 'partial':
        return { outcome: 'partial', bytes, files, errors: 1, firstError };
      case 'cancelled':
        return { outcome: 'cancelled', bytes, files, errors: 0, firstError };
      case 'guard-stopped':
      case 'failed':
        return { outcome: 'failed', bytes, files, errors: 1, firstError };
    }
  } catch (e) {
    if (!(e instanceof MirrorError)) throw e;
    ctx.log(`# mirror refused (${e.kind}): ${e.message}`);
    return { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: e.message };
  }
}

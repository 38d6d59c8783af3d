// The "snapshot" destination: rsync hard-link snapshots in a local/NAS folder, then retention.
import { listSnapshots } from '../../snapshots/snapshot-list.js';
import { pruneSnapshots } from '../../snapshots/prune.js';
import { selectRetention } from '../../snapshots/retention.js';
import { createRsyncRunner } from '../../snapshots/rsync-child.js';
import { SnapshotError } from '../../snapshots/snapshot-errors.js';
import { previewSnapshot, runSnapshot } from '../../snapshots/snapshot-engine.js';
import { restorePointsInUse } from '../../restore/in-use.js';
import { repriseVersion } from '../../version.js';
import type { DestinationContext, DestinationOutcome } from '../destination-runner.js';

/** Takes one snapshot of the job's sources into the destination folder and applies retention. */
export async function runSnapshotDestination(ctx: DestinationContext): Promise<DestinationOutcome> {
  const runRsync = createRsyncRunner(ctx.tools.rsync);
  const started = ctx.now();
  try {
    if (ctx.dryRun) {
      const p = await previewSnapshot({ destination: ctx.dest.target, sources: ctx.job.sources, excludes: ctx.job.excludes, runRsync, signal: ctx.signal });
      ctx.log(`# dry run: ${p.files} files (${p.bytes} bytes) would be copied, ${p.deletions} removed, the rest linked to ${p.linkedTo ?? 'nothing (first snapshot)'}`);
      return { outcome: 'success', bytes: p.bytes, files: p.files, errors: 0, firstError: null };
    }
    ctx.log(`# rsync snapshot of ${ctx.job.sources.join(', ')} into ${ctx.dest.target}`);
    const result = await runSnapshot({
      destination: ctx.dest.target,
      sources: ctx.job.sources,
      excludes: ctx.job.excludes,
      job: { id: ctx.job.id, name: ctx.job.name },
      repriseVersion: repriseVersion(),
      clock: () => new Date(ctx.now()),
      runRsync,
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.phase !== 'copying') return;
        const r = p.rsync;
        const fraction = Math.min(1, r.percent / 100);
        ctx.progress({
          step: 1,
          steps: 1,
          bytes: r.bytes,
          totalBytes: fraction > 0 ? Math.round(r.bytes / fraction) : r.bytes,
          files: r.transfers ?? 0,
          totalFiles: r.totalFiles ?? 0,
          speed: r.speed,
          eta: r.etaSeconds,
          fraction,
          current: [],
          errors: 0,
          elapsed: (ctx.now() - started) / 1000,
        });
      },
    });
    let outcome: DestinationOutcome;
    if (result.kind === 'unchanged') {
      ctx.log(`# nothing changed since snapshot ${result.snapshotId}: confirmed at ${result.confirmedAt}, no new tree built`);
      outcome = { outcome: 'success', bytes: 0, files: 0, errors: 0, firstError: null };
    } else {
      const m = result.manifest;
      ctx.log(`# snapshot ${m.id}: ${m.outcome}, ${m.files} files, ${m.transferredFiles} copied (${m.transferredBytes} bytes), the rest hard-linked to ${m.linkedTo ?? 'nothing'}`);
      for (const w of m.warnings) ctx.log(`# rsync: ${w}`);
      const warn = m.outcome === 'ok' ? null : `rsync could not copy everything (${m.outcome === 'warning' ? 'files vanished while copying' : 'some files failed'}): ${m.warnings.at(-1) ?? ''}`;
      outcome = { outcome: m.outcome === 'ok' ? 'success' : 'partial', bytes: m.transferredBytes, files: m.transferredFiles, errors: m.outcome === 'ok' ? 0 : 1, firstError: warn };
    }
    await applyRetention(ctx);
    return outcome;
  } catch (e) {
    if (!(e instanceof SnapshotError)) throw e;
    ctx.log(`# snapshot failed (${e.kind}): ${e.message}`);
    if (e.stderrTail) for (const l of e.stderrTail.split('\n').slice(-10)) if (l) ctx.log(`# rsync: ${l}`);
    switch (e.kind) {
      case 'cancelled':
        return { outcome: 'cancelled', bytes: 0, files: 0, errors: 0, firstError: e.message };
      case 'destination-missing':
        return { outcome: 'skipped', bytes: 0, files: 0, errors: 0, firstError: e.message };
      default:
        return { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: e.message, failure: { tool: 'rsync', exitCode: e.exitCode ?? null, kind: e.kind } };
    }
  }
}

async function applyRetention(ctx: DestinationContext): Promise<void> {
  const policy = ctx.job.retention;
  if (!policy) return;
  const snaps = await listSnapshots(ctx.dest.target);
  const protectedIds = restorePointsInUse(ctx.dest.target);
  const { remove } = selectRetention(
    snaps.map((s) => ({ id: s.id, time: s.time, complete: s.complete })),
    policy,
    { protectedIds, utcOffsetMinutes: -new Date(ctx.now()).getTimezoneOffset() },
  );
  if (remove.length === 0) return;
  ctx.log(`# retention: pruning ${remove.length} snapshot(s): ${remove.join(', ')}`);
  const removed = await pruneSnapshots(ctx.dest.target, remove, {
    protectedIds,
    onProgress: (p) => ctx.log(`# pruning ${p.snapshotId} (${p.index + 1}/${p.count}): ${p.entriesRemoved}/${p.entriesExpected} files`),
  });
  ctx.log(`# retention: pruned ${removed.length}`);
}

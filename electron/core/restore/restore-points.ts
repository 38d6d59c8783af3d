// Restore points of a snapshot destination, read from the destination alone (manifests).
import { listSnapshots, readLatest } from '../snapshots/snapshot-list.js';
import type { SnapshotOutcome } from '../snapshots/manifest.js';

/** One restore point as the CLI and the picker list it. */
export interface RestorePoint {
  readonly kind: 'snapshot' | 'mirror';
  readonly destination: string;
  /** Snapshot folder name, or the mirror run's UTC id (`current` for a mirror's present state). */
  readonly id: string;
  readonly time: string;
  readonly outcome: SnapshotOutcome;
  readonly files: number;
  readonly bytes: number;
  /** Data this point added on disk over the older points still there; null for mirrors. */
  readonly newBytes: number | null;
  readonly latest: boolean;
  /** The last time a run found the sources unchanged and confirmed this point. */
  readonly confirmedThrough: string | null;
  readonly jobName: string;
}

/** Lists the snapshots of a destination as restore points, newest first. */
export async function listSnapshotRestorePoints(destination: string): Promise<RestorePoint[]> {
  const latest = await readLatest(destination);
  const snaps = await listSnapshots(destination);
  return snaps
    .map((s, i) => ({
      kind: 'snapshot' as const,
      destination,
      id: s.id,
      time: s.manifest.startedAt,
      outcome: s.manifest.outcome,
      files: s.manifest.files,
      bytes: s.manifest.bytes,
      // What rsync copied rather than linked, measured against the snapshot before it. Nothing is
      // older than the oldest one (its predecessors may have been pruned since): all of it is its own.
      newBytes: i === 0 ? s.manifest.bytes : s.manifest.transferredBytes,
      latest: s.id === latest,
      confirmedThrough: s.manifest.confirmations.at(-1) ?? null,
      jobName: s.manifest.job.name,
    }))
    .reverse();
}

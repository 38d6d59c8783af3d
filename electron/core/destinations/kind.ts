// What every destination kind offers, behind one interface: the run manager calls `backup`, the
// restore service `open` (restore points, their records and their bytes) and `verify`, and neither
// asks which kind it has.
import type { Destination, Job } from '../../../shared/model.js';
import type { VerifyDestination } from '../../../shared/restore.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { DestinationContext, DestinationOutcome } from '../runs/destination-runner.js';
import type { ToolPaths } from '../tools/tools.js';
import type { ChildRunner } from '../process/child.js';
import type { PointSummary } from './record/point-summary.js';
import type { RecordReader } from './record/record-chain.js';
import type { ByteFetcher } from './restore/restore-tree.js';

/** What a kind needs from the core outside a run. */
export interface KindEnv {
  readonly rclone: RcloneSetup;
  readonly tools: ToolPaths;
  /** The core's child runner. */
  readonly children: ChildRunner;
  readonly now: () => number;
}

/** A restore point as listed. */
export interface PointInfo {
  readonly summary: PointSummary;
  /** The newest point (what `latest` means). */
  readonly latest: boolean;
  /** Data this point added on the destination, where the kind can tell cheaply; null otherwise. */
  readonly newBytes: number | null;
}

/** A restorable destination opened for reading. */
export interface OpenedDestination {
  readonly reader: RecordReader;
  /** Restore points, oldest first. */
  readonly points: readonly PointInfo[];
  /** Files on the destination that look like records but cannot be read, in words. */
  readonly warnings: readonly string[];
  /** Where the bytes of a point's files are. */
  bytes(pointId: string): ByteFetcher;
  close(): Promise<void>;
}

/** One kind of destination. */
export interface DestinationKindImpl {
  backup(ctx: DestinationContext): Promise<DestinationOutcome>;
  /** Restore points and their records; null for kinds that keep none (copy). */
  readonly open: ((dest: Destination, env: KindEnv, signal?: AbortSignal) => Promise<OpenedDestination>) | null;
  /** Checks the destination: the newest point against its record (`deep`: every byte read and hashed). */
  verify(job: Job, dest: Destination, env: KindEnv, options: { readonly deep: boolean; readonly signal?: AbortSignal }): Promise<VerifyDestination>;
}

// What every destination kind implements. The run manager calls one runner per destination and
// aggregates their outcomes; kinds differ only in how they move the files.
import type { Destination, DestinationKind, Job, Outcome, TransferringFile } from '../../../shared/model.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { ToolPaths } from '../tools/tools.js';

/** One progress sample from a destination runner, for one source step. */
export interface StepProgress {
  readonly step: number;
  readonly steps: number;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly files: number;
  readonly totalFiles: number;
  readonly speed: number;
  readonly eta: number | null;
  /** 0–1 within this destination. */
  readonly fraction: number;
  readonly current: readonly TransferringFile[];
  readonly errors: number;
  readonly elapsed: number;
}

/** What a changed file did in a run (per destination). */
export interface FileChange {
  readonly action: 'added' | 'changed' | 'deleted';
  readonly path: string;
  readonly size: number | null;
}

export interface DestinationContext {
  readonly job: Job;
  readonly dest: Destination;
  readonly runId: number;
  readonly dryRun: boolean;
  readonly signal: AbortSignal;
  readonly tools: ToolPaths;
  readonly rclone: RcloneSetup;
  /** Appends a line to the run's log file (already redacted by the caller). */
  readonly log: (line: string) => void;
  readonly progress: (p: StepProgress) => void;
  readonly change: (c: FileChange) => void;
  readonly now: () => number;
}

export interface DestinationOutcome {
  readonly outcome: Exclude<Outcome, 'running' | 'interrupted'>;
  readonly bytes: number;
  readonly files: number;
  readonly errors: number;
  readonly firstError: string | null;
}

export type DestinationRunner = (ctx: DestinationContext) => Promise<DestinationOutcome>;

/** Registry type: a runner for every destination kind, or the compiler complains. */
export type DestinationRunners = Readonly<Record<DestinationKind, DestinationRunner>>;

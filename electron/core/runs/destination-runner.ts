// What every destination kind implements. The run manager calls one runner per destination and
// aggregates their outcomes; kinds differ only in how they move the files.
import type { Destination, DestinationKind, Job, Outcome, RunProgress } from '../../../shared/model.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { ToolPaths } from '../tools/tools.js';
import type { ChildRunner } from '../process/child.js';

/** One progress sample from a destination runner: the run's progress fields it knows, plus how far
 * (0–1) it is within this destination; the run manager adds run, job, destination and percent. */
export type StepProgress = Omit<RunProgress, 'runId' | 'jobId' | 'destId' | 'target' | 'percent' | 'destIndex' | 'destCount'> & {
  readonly fraction: number;
};

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
  /** A full run was asked for: mirrors list and sync everything instead of topping up from the record. */
  readonly full?: boolean;
  readonly signal: AbortSignal;
  readonly tools: ToolPaths;
  readonly rclone: RcloneSetup;
  /** The core's child runner: rsync, getfattr and the rest start through it. */
  readonly children: ChildRunner;
  /** The destination's restore points being restored from right now, in any process: never pruned. */
  readonly pointsInUse: (target: string) => ReadonlySet<string>;
  /** Appends a line to the run's log file (already redacted by the caller). */
  readonly log: (line: string) => void;
  readonly progress: (p: StepProgress) => void;
  readonly change: (c: FileChange) => void;
  /** Forgets the changes told so far: a retry compares again and tells them anew. */
  readonly restartChanges: () => void;
  readonly now: () => number;
}

export interface DestinationOutcome {
  readonly outcome: Exclude<Outcome, 'running' | 'interrupted'>;
  readonly bytes: number;
  readonly files: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Requests made of the remote, by rclone's count (mirrors); absent where not counted. */
  readonly requests?: number;
  /** Mirrors: whether the run was a full check or a top-up; absent when nothing was sent. */
  readonly sync?: 'full' | 'top-up';
  /** For a failure: which tool failed and its exit code, so the retry policy need not guess from words. */
  readonly failure?: { readonly tool: 'rclone' | 'rsync'; readonly exitCode: number | null; readonly kind?: string };
  /** Files that did not reach the destination, with why (History lists them; the next run retries them). */
  readonly failedFiles?: readonly { readonly path: string; readonly error: string }[];
}

export type DestinationRunner = (ctx: DestinationContext) => Promise<DestinationOutcome>;

/** Registry type: a runner for every destination kind, or the compiler complains. */
export type DestinationRunners = Readonly<Record<DestinationKind, DestinationRunner>>;

// DTOs shared by the core, the hosts and the renderer. Readonly: nobody mutates what crosses a boundary.
import type { RemoteSummary } from './remotes/types.js';

/**
 * The kinds of destination a job can write to. Each kind has its own runner in the core.
 * snapshot: rsync hard-link snapshots in a local/NAS folder; mirror: rclone sync to current/ with
 * replaced and deleted files kept in versions/<run>/; copy: additive rclone copy.
 */
export type DestinationKind = 'copy' | 'snapshot' | 'mirror';

/** How many restore points a job keeps (snapshots and mirror versions); zero or missing keeps none by that rule. */
export interface RetentionPolicy {
  readonly keepLast?: number;
  readonly keepDaily?: number;
  readonly keepWeekly?: number;
  readonly keepMonthly?: number;
}

export interface Destination {
  readonly id: string;
  readonly kind: DestinationKind;
  /** A local absolute path or `REMOTE:PATH`. */
  readonly target: string;
}

export interface Job {
  readonly id: string;
  readonly name: string;
  /** Absolute local folders; each lands at the destination under its base name. */
  readonly sources: readonly string[];
  readonly destinations: readonly Destination[];
  readonly excludes: readonly string[];
  /** A cron expression, or null for manual runs only. */
  readonly schedule: string | null;
  /** rclone's --bwlimit: a rate ("4M") or a timetable ("08:00,512k 23:00,off"); null for none. */
  readonly bwlimit: string | null;
  /** Retention of snapshot and mirror restore points; missing or null keeps every one. */
  readonly retention?: RetentionPolicy | null;
  /** Warn ("no successful backup for N days") after this many days; null: never. Default 3. */
  readonly staleAfterDays?: number | null;
  /** rclone --transfers / --checkers; null: rclone's defaults. */
  readonly transfers?: number | null;
  readonly checkers?: number | null;
  /** After copying, compare every source file with the destination (rclone check --one-way). */
  readonly verify?: boolean;
  /** Copies and mirrors compare files by checksum instead of size and time (rclone --checksum). */
  readonly checksum?: boolean;
  readonly createdAt: string;
}

/** How a destination can tell changed files apart, and what Reprise says about it. */
export interface DestinationInfo {
  readonly target: string;
  readonly comparison: 'modtime-and-hash' | 'modtime' | 'hash' | 'size-only' | 'unknown';
  /** Plain words for the job editor and `job add`, when there is something to say. */
  readonly note: string | null;
}

export type RunTrigger = 'manual' | 'cli' | 'schedule' | 'catch-up';

export type Outcome = 'running' | 'success' | 'partial' | 'failed' | 'cancelled' | 'interrupted' | 'skipped';

export interface DestinationResult {
  readonly destId: string;
  readonly kind: DestinationKind;
  readonly target: string;
  readonly outcome: Outcome;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly bytes: number;
  readonly files: number;
  readonly errors: number;
  readonly firstError: string | null;
  /** Requests made of the remote by rclone's count (mirrors); absent where not counted. */
  readonly requests?: number;
  /** Mirrors: a full check (listed and synced everything) or a top-up (sent only what the record showed changed). */
  readonly sync?: 'full' | 'top-up';
}

export interface RunSummary {
  readonly id: number;
  readonly jobId: string;
  readonly jobName: string;
  readonly trigger: RunTrigger;
  readonly dryRun: boolean;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly outcome: Outcome;
  readonly bytes: number;
  readonly files: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly logPath: string | null;
  readonly destinations: readonly DestinationResult[];
}

export interface TransferringFile {
  readonly name: string;
  readonly percent: number;
  readonly size: number;
}

/** One progress sample of a running destination, already throttled by the core. */
export interface RunProgress {
  readonly runId: number;
  readonly jobId: string;
  readonly destId: string;
  readonly target: string;
  /** Which source of the job is being copied (1-based) and how many there are. */
  readonly step: number;
  readonly steps: number;
  /** Which destination is being written (1-based) and how many the job has. */
  readonly destIndex: number;
  readonly destCount: number;
  /** bytes/totalBytes/files/speed/eta are this destination's; percent is the whole run's. */
  readonly bytes: number;
  readonly totalBytes: number;
  readonly files: number;
  readonly totalFiles: number;
  /** Bytes per second. */
  readonly speed: number;
  /** Seconds left, when rclone/rsync can tell. */
  readonly eta: number | null;
  /** 0–100 over the whole run (all sources and destinations). */
  readonly percent: number;
  readonly current: readonly TransferringFile[];
  readonly errors: number;
  readonly elapsed: number;
  /** Set while this destination waits to try again after a failure (network trouble). */
  readonly retry?: RetryWait | null;
}

/** A destination waiting between attempts: "can't reach dav — retrying in 31 s (attempt 2 of 4)". */
export interface RetryWait {
  /** What went wrong, short: "can't reach dav", "NAS:backup failed". */
  readonly reason: string;
  /** The attempt that comes next (2 after the first failure) and how many there are in all. */
  readonly attempt: number;
  readonly attempts: number;
  /** How long the wait is, from when this sample was sent. */
  readonly delayMs: number;
}

export interface ToolInfo {
  readonly name: 'rclone' | 'rsync';
  readonly found: boolean;
  readonly version: string | null;
  readonly path: string;
  readonly ok: boolean;
  /** Plain words when missing or too old, with how to install. */
  readonly problem: string | null;
}

export interface JobStatus {
  readonly job: Job;
  readonly lastRun: RunSummary | null;
  readonly nextRun: number | null;
  readonly live: RunProgress | null;
  readonly runningId: number | null;
  /** Set when another process runs it (a `reprise run` from a terminal or cron): who, in words. */
  readonly runningElsewhere?: string | null;
}

/** A remote as listed (type, crypt, what it wraps); never any option values. */
export type RemoteInfo = RemoteSummary;

export interface AppInfo {
  readonly version: string;
  readonly dataDir: string;
  readonly host: 'electron' | 'serve';
  readonly tools: readonly ToolInfo[];
  /** The desktop app's own facts; null in a browser. */
  readonly desktop: DesktopInfo | null;
  /** Things the user must hear about once, from this start (a damaged database replaced). */
  readonly notices?: readonly string[];
}

export interface DesktopInfo {
  /** False where the desktop shows no tray icons (GNOME without AppIndicator): the window stays the way in and out. */
  readonly trayAvailable: boolean;
}

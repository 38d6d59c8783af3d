// Files a run could not back up, per destination, with rclone's or the walk's reason: History lists
// them, and the next run tries them again (a mirror's record marks them lacking, so they count as
// changed; a copy's rclone sees them missing).

/** One file that did not reach one destination. */
export interface FailedFile {
  readonly destId: string;
  /** Path as shown, relative to the destination (source folder name first). */
  readonly path: string;
  readonly error: string;
}

/** The failures of one run: a sample per destination and the full counts. */
export interface RunFailures {
  readonly runId: number;
  readonly files: readonly FailedFile[];
  /** Failures per destination id, counted before any sample was cut. */
  readonly counts: Readonly<Record<string, number>>;
}

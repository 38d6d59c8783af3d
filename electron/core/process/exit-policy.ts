// The written-down exit-code policy for rclone and rsync: what counts as success, warning, failure.
// rclone (1.60): 0 ok · 1 usage/generic · 2 uncategorised · 3 dir not found · 4 file not found ·
// 5 retry error · 6 no-retry · 7 fatal · 8 max-transfer · 9 nothing transferred (on request).
// 1.69 swaps the meaning of 1 and 2, so neither is trusted beyond "failed".
// rsync: 0 ok · 23 partial transfer (some files failed) · 24 source files vanished (a warning) ·
// 20 killed by signal · 30/35 timeouts · 11/12 I/O and protocol errors.

export type Verdict = 'success' | 'partial' | 'failed' | 'cancelled';

export interface ExitFacts {
  readonly exitCode: number | null;
  readonly cancelled: boolean;
  /** Errors counted in rclone's final stats (0 when unknown). */
  readonly statsErrors?: number;
  /** Whether anything was transferred before the problem (turns a failure into partial). */
  readonly transferredSomething?: boolean;
}

/** rclone: success only when it exits 0 with zero errors in its final stats. */
export function rcloneVerdict(f: ExitFacts): Verdict {
  if (f.cancelled) return 'cancelled';
  if (f.exitCode === 0 && (f.statsErrors ?? 0) === 0) return 'success';
  if (f.exitCode === 0) return 'partial';
  return 'failed';
}

/** rsync: 23 is a partial transfer and 24 vanished files — a warning, never a silent success. */
export function rsyncVerdict(f: ExitFacts): Verdict {
  if (f.cancelled) return 'cancelled';
  if (f.exitCode === 0) return 'success';
  if (f.exitCode === 23 || f.exitCode === 24) return 'partial';
  return 'failed';
}

const rcloneCodes: Record<number, string> = {
  1: 'rclone failed (syntax or generic error)',
  2: 'rclone failed (uncategorised error)',
  3: 'a directory was not found',
  4: 'a file was not found',
  5: 'a temporary error persisted after retries',
  6: 'a permanent error stopped the transfer',
  7: 'a fatal error stopped rclone',
  8: 'the transfer limit was reached',
  9: 'no files were transferred',
};

/** A plain-words description of an rclone exit code. */
export function describeRcloneExit(code: number | null): string {
  if (code === null) return 'rclone was stopped by a signal';
  return rcloneCodes[code] ?? `rclone exited with code ${code}`;
}

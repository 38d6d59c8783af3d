// The rsync runner the snapshot engine and restores see: a thin adapter over the core's one
// child runner (own process group, SIGTERM then SIGKILL to the group on cancel, killed on quit).
import { runChild } from '../process/child.js';

/** What a finished rsync child reports back. */
export interface RsyncExit {
  /** null when the child was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly cancelled: boolean;
  readonly stderrTail: string;
}

/** Options for one rsync child. */
export interface RsyncRunOptions {
  readonly signal?: AbortSignal;
  /** Each line of stdout, \r-redraws split as lines (progress2, itemized lines, --stats). */
  readonly onLine?: (line: string) => void;
  /** Called with the child's pid once it has started (tests use it to kill rsync mid-run). */
  readonly onSpawn?: (pid: number) => void;
}

/** Runs rsync with the given arguments; never throws for a non-zero exit. */
export type RsyncRunner = (args: readonly string[], options: RsyncRunOptions) => Promise<RsyncExit>;

/** Builds a runner for the rsync binary at `rsyncPath`. */
export function createRsyncRunner(rsyncPath = 'rsync'): RsyncRunner {
  return async (args, options) => {
    const result = await runChild({
      command: rsyncPath,
      args,
      // Numbers and messages in the format the parsers expect.
      env: { ...process.env, LC_ALL: 'C' },
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
      onLine: (line, stream) => {
        if (stream === 'stdout') options.onLine?.(line);
      },
    });
    if (result.spawnError) {
      throw Object.assign(new Error(result.spawnError.message), { code: result.spawnError.code });
    }
    return {
      exitCode: result.exitCode,
      signal: result.signal,
      cancelled: result.cancelled,
      stderrTail: result.stderrTail.join('\n'),
    };
  };
}

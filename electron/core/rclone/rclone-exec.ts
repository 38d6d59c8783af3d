// The seam through which mirrors and mirror restores run rclone: one call, argument array,
// stdout collected (lsjson, cat), stderr streamed line by line (JSON log), started through the
// core's one child runner (process-group cancel, killed on quit).
import { stallWatch } from '../process/stall-watch.js';
import { openPrivateLog } from '../process/log-tail.js';
import { type RcloneSetup, networkArgs, runRclone } from './rclone-env.js';
import { rcloneLineActivity } from './transfer-activity.js';

/** One rclone invocation. */
export interface RcloneCall {
  readonly args: readonly string[];
  readonly signal?: AbortSignal;
  readonly onStderrLine?: (line: string) => void;
  /** Overrides the setup's stallAfterMs for this call (0: no watchdog). */
  readonly stallAfterMs?: number;
}

/** What an rclone invocation returned. */
export interface RcloneCallResult {
  readonly exitCode: number | null;
  readonly cancelled: boolean;
  readonly stdout: string;
  readonly stderrTail: readonly string[];
  /** Ended by the stall watchdog: nothing moved (stats counters, files, stdout) for stallAfterMs. */
  readonly stalled?: boolean;
}

/** Runs rclone; never throws for a non-zero exit. */
export type RcloneExec = (call: RcloneCall) => Promise<RcloneCallResult>;

/**
 * Builds an RcloneExec on the core's child runner. A call that moves nothing for the setup's
 * stallAfterMs (a dead server) is ended; 0 or absent: no watchdog. Progress is rclone's stats
 * counters changing (needs `--use-json-log --stats`), a per-file line, or stdout arriving.
 */
export function createRcloneExec(setup: RcloneSetup): RcloneExec {
  return async (call) => {
    const tail: string[] = [];
    const stallMs = call.stallAfterMs ?? setup.stallAfterMs ?? 0;
    const watch = stallMs > 0 ? stallWatch(stallMs) : undefined;
    const activity = rcloneLineActivity(watch);
    const take = (line: string): void => {
      if (!line) return;
      activity(line);
      tail.push(line);
      if (tail.length > 30) tail.shift();
      call.onStderrLine?.(line);
    };
    // A streamed log goes into a private, already-unlinked file we follow, not a pipe: a pipe wakes
    // us for every line, which on two cores slows rclone itself (see process/log-tail.ts); and no
    // crash can leave the file behind.
    const logFile = call.onStderrLine ? openPrivateLog('rclone', take) : null;
    const result = await runRclone(setup, {
      args: [...networkArgs, ...call.args],
      keepStdout: true,
      ...(logFile ? { stderrFd: logFile.fd } : {}),
      ...(call.signal ? { signal: call.signal } : {}),
      ...(watch ? { stall: watch } : {}),
      onLine: (line) => take(line),
    }).finally(() => logFile?.finish());
    // Could not start at all (ENOENT): a failed call whose reason is the last line.
    if (result.spawnError) take(`could not start rclone: ${result.spawnError.message}`);
    if (result.stalled) take(`stopped: nothing moved for ${Math.round(stallMs / 1000)} s (the server stopped answering)`);
    return { exitCode: result.exitCode, cancelled: result.cancelled, stdout: result.stdout, stderrTail: tail, ...(result.stalled ? { stalled: true } : {}) };
  };
}

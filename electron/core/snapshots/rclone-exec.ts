// The seam through which mirrors and mirror restores run rclone: one call, argument array,
// stdout collected (lsjson, cat), stderr streamed line by line (JSON log), started through the
// core's one child runner (process-group cancel, killed on quit).
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChild } from '../process/child.js';
import { tailLogFile } from '../rclone/log-tail.js';

/** One rclone invocation. */
export interface RcloneCall {
  readonly args: readonly string[];
  readonly signal?: AbortSignal;
  readonly onStderrLine?: (line: string) => void;
}

/** What an rclone invocation returned. */
export interface RcloneCallResult {
  readonly exitCode: number | null;
  readonly cancelled: boolean;
  readonly stdout: string;
  readonly stderrTail: readonly string[];
}

/** Runs rclone; never throws for a non-zero exit. */
export type RcloneExec = (call: RcloneCall) => Promise<RcloneCallResult>;

/** Where rclone is and which config it reads. */
export interface RcloneExecSetup {
  readonly bin?: string;
  readonly configFile?: string | null;
  readonly env?: NodeJS.ProcessEnv;
}

/** Builds an RcloneExec on the core's child runner. */
export function createRcloneExec(setup: RcloneExecSetup = {}): RcloneExec {
  return async (call) => {
    const tail: string[] = [];
    const take = (line: string): void => {
      if (!line) return;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      call.onStderrLine?.(line);
    };
    // A streamed log goes through a private file we follow, not the pipe: a pipe wakes us for every
    // line, which on two cores slows rclone itself (see rclone/log-tail.ts and scripts/bench.js).
    const logFile = call.onStderrLine ? join(tmpdir(), `reprise-rclone-${process.pid}-${randomBytes(6).toString('hex')}.log`) : null;
    const logTail = logFile ? tailLogFile(logFile, take) : null;
    const args = [...(setup.configFile ? ['--config', setup.configFile] : []), ...(logFile ? [`--log-file=${logFile}`] : []), ...call.args];
    const result = await runChild({
      command: setup.bin ?? 'rclone',
      args,
      env: { ...process.env, ...setup.env },
      keepStdout: true,
      ...(call.signal ? { signal: call.signal } : {}),
      onLine: (line) => take(line),
    }).finally(() => logTail?.finish());
    // Could not start at all (ENOENT): a failed call whose reason is the last line.
    if (result.spawnError) take(`could not start rclone: ${result.spawnError.message}`);
    return { exitCode: result.exitCode, cancelled: result.cancelled, stdout: result.stdout, stderrTail: tail };
  };
}

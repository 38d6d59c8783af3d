// The seam through which mirrors and mirror restores run rclone: one call, argument array,
// stdout collected (lsjson, cat), stderr streamed line by line (JSON log). A small execa-based
// implementation lives here; the host can pass the foundation's child runner instead.
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Builds an RcloneExec on execa with process-group cancel. */
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
    const child = execa(setup.bin ?? 'rclone', args, {
      reject: false,
      stdin: 'ignore',
      detached: true,
      env: { ...process.env, ...setup.env },
      extendEnv: false,
      encoding: 'utf8',
      buffer: { stdout: true, stderr: false },
      maxBuffer: 512 * 1024 * 1024,
    });
    let pending = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) take(line);
    });
    let cancelled = false;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cancelled = true;
      if (child.pid === undefined) return;
      const pid = child.pid;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 5000);
      timer.unref();
    };
    if (call.signal?.aborted) onAbort();
    else call.signal?.addEventListener('abort', onAbort, { once: true });
    const result = await child.finally(() => logTail?.finish());
    take(pending);
    if (timer) clearTimeout(timer);
    call.signal?.removeEventListener('abort', onAbort);
    return {
      exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
      cancelled,
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderrTail: tail,
    };
  };
}

// A minimal rsync child runner: argument array, own process group, cancel by AbortSignal
// (SIGTERM to the group, SIGKILL after a grace period). The engine only sees the RsyncRunner
// type, so the foundation's shared runner in core/process can replace this one.
import { execa } from 'execa';

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
  /** Raw stdout chunks (progress2 redraws, itemized lines, --stats). */
  readonly onStdout?: (chunk: string) => void;
  /** Called with the child's pid once it has started (tests use it to kill rsync mid-run). */
  readonly onSpawn?: (pid: number) => void;
}

/** Runs rsync with the given arguments; never throws for a non-zero exit. */
export type RsyncRunner = (args: readonly string[], options: RsyncRunOptions) => Promise<RsyncExit>;

const KILL_GRACE_MS = 5000;
const STDERR_TAIL = 8000;

/** Builds a runner for the rsync binary at `rsyncPath`. */
export function createRsyncRunner(rsyncPath = 'rsync'): RsyncRunner {
  return async (args, options) => {
    const child = execa(rsyncPath, [...args], {
      reject: false,
      buffer: false,
      stdin: 'ignore',
      detached: true, // own process group: rsync forks a receiver that must die with it
      env: { LC_ALL: 'C' }, // numbers and messages in the format the parsers expect
      encoding: 'utf8',
    });
    let stderr = '';
    let cancelled = false;
    child.stderr?.on('data', (d: Buffer | string) => {
      stderr = (stderr + d.toString()).slice(-STDERR_TAIL);
    });
    child.stdout?.on('data', (d: Buffer | string) => options.onStdout?.(d.toString()));
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cancelled = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const result = await child;
      if (result.failed && result.exitCode === undefined && result.signal === undefined) {
        // Spawning itself failed (ENOENT and friends).
        throw Object.assign(new Error(result.message), { code: (result.cause as NodeJS.ErrnoException | undefined)?.code });
      }
      return {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
        cancelled,
        stderrTail: stderr,
      };
    } finally {
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

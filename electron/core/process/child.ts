// The one place Reprise starts rclone/rsync children: argument arrays, own process group,
// SIGTERM then SIGKILL to the whole group on cancel (or when the stall watchdog fires), every
// child killed on quit, and on Linux killed by the kernel if Reprise itself dies (death-signal.ts).
import { basename } from 'node:path';
import { execa } from 'execa';
import { currentOwner } from './child-owner.js';
import { withDeathSignal } from './death-signal.js';
import { lineSplitter } from './line-splitter.js';
import type { StallWatch } from './stall-watch.js';

export interface ChildOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Called for each line of stdout/stderr, \r-redraws split as lines. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Grace period between SIGTERM and SIGKILL. */
  readonly killAfterMs?: number;
  /** Collect stdout whole (lsjson, cat) instead of passing it to onLine. */
  readonly keepStdout?: boolean;
  /** How kept stdout is decoded; latin1 keeps file names that are not UTF-8 byte for byte. Default utf8. */
  readonly stdoutEncoding?: BufferEncoding;
  /** Called with the child's pid once it has started (tests kill children mid-run with it). */
  readonly onSpawn?: (pid: number) => void;
  /** Ends the child when the watch says nothing moved for its `afterMs` (result.stalled). */
  readonly stall?: StallWatch;
  /** Sends stderr straight into this open file instead of a pipe (see rclone/log-tail.ts). */
  readonly stderrFd?: number;
  /** The signal the kernel sends the child when Reprise dies (Linux); false: none (rcd-like children that must clean up). */
  readonly deathSignal?: 'SIGKILL' | 'SIGTERM' | false;
}

export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly cancelled: boolean;
  /** Ended by the stall watchdog: nothing moved for the watch's afterMs. */
  readonly stalled: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  readonly spawnError: { readonly code: string; readonly message: string } | null;
  /** The last stderr lines, for error messages. */
  readonly stderrTail: readonly string[];
  /** All of stdout when keepStdout was set, else ''. */
  readonly stdout: string;
}

const live = new Set<number>();

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** Kills every child started through runChild (on quit). */
export function killAllChildren(sig: NodeJS.Signals = 'SIGTERM'): void {
  for (const pid of live) killGroup(pid, sig);
}

/** How many children are alive right now (tests check nothing is left behind). */
export function liveChildCount(): number {
  return live.size;
}

/** What a child is called in messages: "rclone" or "rsync" also when started through a wrapper (a tool path like /opt/bin/rclone-1.68). */
export function toolName(command: string): string {
  const base = basename(command);
  return /rclone/i.test(base) ? 'rclone' : /rsync/i.test(base) ? 'rsync' : base;
}

/** Runs a child to completion, streaming its lines; never throws for exit codes or spawn failures. */
export async function runChild(options: ChildOptions): Promise<ChildResult> {
  const tail: string[] = [];
  let cancelled = false;
  let stalled = false;
  const none = { exitCode: null, signal: null, stalled: false, stderrTail: [], stdout: '' };
  if (options.signal?.aborted) return { ...none, cancelled: true, spawnError: null };
  const env = options.env ?? process.env;
  const tool = toolName(options.command);
  const { command, args } = options.deathSignal === false ? { command: options.command, args: [...options.args] } : withDeathSignal(options.command, options.args, options.deathSignal ?? 'SIGKILL', env);
  const child = execa(command, args, {
    env: options.env,
    extendEnv: options.env === undefined,
    cwd: options.cwd,
    detached: process.platform !== 'win32',
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stdout: 'pipe',
    // A number is an fd the child writes to directly (no pipe, no stream on our side).
    stderr: (options.stderrFd ?? 'pipe') as 'pipe',
    encoding: 'utf8',
    cleanup: true,
  });
  const pid = child.pid;
  const owner = currentOwner();
  if (pid !== undefined) {
    live.add(pid);
    owner?.spawned({ pid, tool });
    options.onSpawn?.(pid);
  }

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (pid === undefined || killTimer) return;
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killAfterMs ?? 5000);
    killTimer.unref();
  };
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let stallTimer: NodeJS.Timeout | undefined;
  const watch = options.stall;
  if (watch && pid !== undefined) {
    stallTimer = setInterval(() => {
      if (watch.idleMs() < watch.afterMs || cancelled) return;
      stalled = true;
      clearInterval(stallTimer);
      stop();
    }, Math.max(50, Math.min(1000, watch.afterMs / 4)));
  }

  const wire = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
    if (!stream) return;
    const splitter = lineSplitter((line) => {
      if (name === 'stderr') {
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
      options.onLine?.(line, name);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => splitter.push(chunk));
    stream.on('end', () => splitter.flush());
  };
  let stdout = '';
  if (options.keepStdout) {
    child.stdout?.setEncoding(options.stdoutEncoding ?? 'utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      // A listing or a file streaming out is progress for the stall watchdog.
      options.stall?.touch();
    });
  } else {
    wire(child.stdout, 'stdout');
  }
  wire(child.stderr, 'stderr');

  const result = await child;
  options.signal?.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);
  if (stallTimer) clearInterval(stallTimer);
  const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
  const signal = result.signal ?? null;
  if (pid !== undefined) {
    live.delete(pid);
    // Grandchildren that outlived their parent (rare) go with the group.
    if (cancelled || stalled) killGroup(pid, 'SIGKILL');
    owner?.exited({ pid, tool, exitCode, signal, cancelled, stalled });
  }
  const code = (result as { code?: string }).code;
  const spawnError =
    result.failed && pid === undefined ? { code: code ?? 'SPAWN', message: result.shortMessage ?? result.message ?? 'could not start' } : null;
  return {
    exitCode,
    signal,
    cancelled,
    stalled,
    spawnError,
    stderrTail: tail,
    stdout,
  };
}

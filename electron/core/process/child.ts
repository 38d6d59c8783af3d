// The one place Reprise starts children (rclone, rsync, getfattr, fusermount…): argument arrays,
// a scrubbed environment, own process group, SIGTERM then SIGKILL to the whole group on cancel,
// timeout or stall, every child stopped on quit, and on Linux killed by the kernel if Reprise
// itself dies (death-signal.ts). A ChildRunner is an object the core holds: it knows its live
// children, so closing one core stops exactly the children it started.
import { basename } from 'node:path';
import { execa } from 'execa';
import { currentOwner } from './child-owner.js';
import { withDeathSignal } from './death-signal.js';
import { lineSplitter } from './line-splitter.js';
import type { StallWatch } from './stall-watch.js';

export interface ChildOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** Variables on top of the scrubbed inherited environment (see childEnv). */
  readonly env?: Readonly<Record<string, string>>;
  /** Inherited variables to leave out besides the usual secrets (tests: AWS_CA_BUNDLE). */
  readonly dropEnv?: readonly string[];
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Written to the child's stdin (then closed); without it stdin is closed at once. */
  readonly input?: string;
  /** Keeps stdin open as a pipe the caller writes to (RunningChild.stdin): a helper fed work as it comes. */
  readonly stdinPipe?: boolean;
  /** Ends the child after this long (result.timedOut). */
  readonly timeoutMs?: number;
  /** Called for each line of stdout/stderr, \r-redraws split as lines. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Grace period between SIGTERM and SIGKILL. */
  readonly killAfterMs?: number;
  /** Collect stdout whole (lsjson, cat) instead of passing it to onLine. */
  readonly keepStdout?: boolean;
  /** Also collect stderr whole (its last 64 KiB), for callers that read error text. */
  readonly keepStderr?: boolean;
  /** How stdout is decoded (kept or by line); latin1 keeps file names that are not UTF-8 byte for byte. Default utf8. */
  readonly stdoutEncoding?: BufferEncoding;
  /** Called with the child's pid once it has started (tests kill children mid-run with it). */
  readonly onSpawn?: (pid: number) => void;
  /** Ends the child when the watch says nothing moved for its `afterMs` (result.stalled). */
  readonly stall?: StallWatch;
  /** Sends stderr straight into this open file instead of a pipe (see log-tail.ts). */
  readonly stderrFd?: number;
  /** The same for stdout (rsync's progress: a line per file copied). */
  readonly stdoutFd?: number;
  /** The signal the kernel sends the child when Reprise dies (Linux); default SIGKILL. rcd gets SIGTERM so it unmounts. */
  readonly deathSignal?: 'SIGKILL' | 'SIGTERM';
}

export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly cancelled: boolean;
  /** Ended by the stall watchdog: nothing moved for the watch's afterMs. */
  readonly stalled: boolean;
  /** Ended because it ran longer than timeoutMs. */
  readonly timedOut: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  readonly spawnError: { readonly code: string; readonly message: string } | null;
  /** The last stderr lines, for error messages. */
  readonly stderrTail: readonly string[];
  /** All of stdout when keepStdout was set, else ''. */
  readonly stdout: string;
  /** Stderr (its end) when keepStderr was set, else ''. */
  readonly stderr: string;
}

/** A child that runs on its own (rcd, a sign-in, a download): stop it or wait for its end. */
export interface RunningChild {
  readonly pid: number | undefined;
  /** The child's stdin, when started with stdinPipe (null when it could not start). */
  readonly stdin: NodeJS.WritableStream | null;
  /** Settles when the child has ended; never rejects. */
  readonly result: Promise<ChildResult>;
  /** SIGTERM to its group, SIGKILL after the grace period; it then counts as cancelled. */
  stop(): void;
}

// Inherited variables no child gets: they would make rclone read a password or a config file we
// did not choose, or prompt on a terminal nobody watches. rclone gets the config password from
// its setup (rclone/rclone-env.ts), on purpose and only when it is known.
const SCRUBBED = ['RCLONE_CONFIG_PASS', 'RCLONE_PASSWORD_COMMAND', 'RCLONE_CONFIG', 'RCLONE_ASK_PASSWORD'];
const STDERR_KEEP = 64 * 1024;

/** The environment of a child: ours without the scrubbed variables (and `drop`), plus `extra`. */
export function childEnv(extra: Readonly<Record<string, string>> = {}, drop: readonly string[] = [], base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined || SCRUBBED.includes(k) || drop.includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** What a child is called in messages: "rclone" or "rsync" also when started through a wrapper (a tool path like /opt/bin/rclone-1.68). */
export function toolName(command: string): string {
  const base = basename(command);
  return /rclone/i.test(base) ? 'rclone' : /rsync/i.test(base) ? 'rsync' : base;
}

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

/** Starts and tracks the children of one core. */
export class ChildRunner {
  private readonly live = new Set<number>();
  // If the process exits without closing the core (a crash in a host), its children go too.
  private readonly onExit = () => this.stopAll('SIGTERM');

  /** How many children are alive right now (tests check nothing is left behind). */
  get liveCount(): number {
    return this.live.size;
  }

  /** Sends every live child's group a signal (quit). */
  stopAll(sig: NodeJS.Signals = 'SIGTERM'): void {
    for (const pid of this.live) killGroup(pid, sig);
  }

  /** Runs a child to completion, streaming its lines; never throws for exit codes or spawn failures. */
  run(options: ChildOptions): Promise<ChildResult> {
    return this.start(options).result;
  }

  /** Starts a child that the caller stops or waits for. */
  start(options: ChildOptions): RunningChild {
    const tail: string[] = [];
    let cancelled = false;
    let stalled = false;
    let timedOut = false;
    if (options.signal?.aborted) {
      const result: ChildResult = { exitCode: null, signal: null, cancelled: true, stalled: false, timedOut: false, spawnError: null, stderrTail: [], stdout: '', stderr: '' };
      return { pid: undefined, stdin: null, result: Promise.resolve(result), stop: () => {} };
    }
    const env = childEnv(options.env, options.dropEnv);
    const tool = toolName(options.command);
    const { command, args } = withDeathSignal(options.command, options.args, options.deathSignal ?? 'SIGKILL', env);
    const child = execa(command, args, {
      env,
      extendEnv: false,
      cwd: options.cwd,
      detached: process.platform !== 'win32',
      reject: false,
      buffer: false,
      ...(options.input !== undefined ? { input: options.input } : { stdin: options.stdinPipe ? ('pipe' as const) : ('ignore' as const) }),
      // A number is an fd the child writes to directly (no pipe, no stream on our side).
      stdout: (options.stdoutFd ?? 'pipe') as 'pipe',
      stderr: (options.stderrFd ?? 'pipe') as 'pipe',
      encoding: 'utf8',
      cleanup: true,
    });
    const pid = child.pid;
    const owner = currentOwner();
    if (pid !== undefined) {
      if (this.live.size === 0) process.on('exit', this.onExit);
      this.live.add(pid);
      owner?.spawned({ pid, tool });
      options.onSpawn?.(pid);
    }

    let killTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      if (pid === undefined || killTimer) return;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killAfterMs ?? 5000);
      killTimer.unref();
    };
    const stop = () => {
      cancelled = true;
      terminate();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    let stallTimer: NodeJS.Timeout | undefined;
    const watch = options.stall;
    if (watch && pid !== undefined) {
      stallTimer = setInterval(() => {
        if (watch.idleMs() < watch.afterMs || cancelled) return;
        stalled = true;
        clearInterval(stallTimer);
        terminate();
      }, Math.max(50, Math.min(1000, watch.afterMs / 4)));
    }
    const timeout =
      options.timeoutMs !== undefined && pid !== undefined
        ? setTimeout(() => {
            timedOut = true;
            terminate();
          }, options.timeoutMs)
        : undefined;

    let stderr = '';
    const wire = (stream: NodeJS.ReadableStream | null, name: 'stdout' | 'stderr') => {
      if (!stream) return;
      const splitter = lineSplitter((line) => {
        if (name === 'stderr') {
          tail.push(line);
          if (tail.length > 20) tail.shift();
        }
        options.onLine?.(line, name);
      });
      stream.setEncoding(name === 'stdout' ? (options.stdoutEncoding ?? 'utf8') : 'utf8');
      stream.on('data', (chunk: string) => {
        if (name === 'stderr' && options.keepStderr) stderr = (stderr + chunk).slice(-STDERR_KEEP);
        splitter.push(chunk);
      });
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

    const result = (async (): Promise<ChildResult> => {
      const r = await child;
      options.signal?.removeEventListener('abort', stop);
      if (killTimer) clearTimeout(killTimer);
      if (stallTimer) clearInterval(stallTimer);
      if (timeout) clearTimeout(timeout);
      const exitCode = typeof r.exitCode === 'number' ? r.exitCode : null;
      const signal = r.signal ?? null;
      if (pid !== undefined) {
        this.live.delete(pid);
        if (this.live.size === 0) process.off('exit', this.onExit);
        // Grandchildren that outlived their parent (rare) go with the group.
        if (cancelled || stalled || timedOut) killGroup(pid, 'SIGKILL');
        owner?.exited({ pid, tool, exitCode, signal, cancelled, stalled });
      }
      const code = (r as { code?: string }).code;
      const spawnError = r.failed && pid === undefined ? { code: code ?? 'SPAWN', message: r.shortMessage ?? r.message ?? 'could not start' } : null;
      return { exitCode, signal, cancelled, stalled, timedOut, spawnError, stderrTail: tail, stdout, stderr };
    })();
    // A helper that died leaves writes to its stdin failing with EPIPE: its result tells the caller.
    child.stdin?.on('error', () => {});
    return { pid, stdin: options.stdinPipe ? child.stdin : null, result, stop };
  }
}

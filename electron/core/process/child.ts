// The one place Reprise starts rclone/rsync children: argument arrays, own process group,
// SIGTERM then SIGKILL to the whole group on cancel, every child killed on quit.
import { execa } from 'execa';
import { lineSplitter } from './line-splitter.js';

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
}

export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly cancelled: boolean;
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

/** Runs a child to completion, streaming its lines; never throws for exit codes or spawn failures. */
export async function runChild(options: ChildOptions): Promise<ChildResult> {
  const tail: string[] = [];
  let cancelled = false;
  if (options.signal?.aborted) {
    return { exitCode: null, signal: null, cancelled: true, spawnError: null, stderrTail: [], stdout: '' };
  }
  const child = execa(options.command, [...options.args], {
    env: options.env,
    extendEnv: options.env === undefined,
    cwd: options.cwd,
    detached: process.platform !== 'win32',
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
    encoding: 'utf8',
    cleanup: true,
  });
  const pid = child.pid;
  if (pid !== undefined) {
    live.add(pid);
    options.onSpawn?.(pid);
  }

  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    cancelled = true;
    if (pid === undefined) return;
    killGroup(pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killAfterMs ?? 5000);
    killTimer.unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

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
    child.stdout?.on('data', (chunk: string) => (stdout += chunk));
  } else {
    wire(child.stdout, 'stdout');
  }
  wire(child.stderr, 'stderr');

  const result = await child;
  options.signal?.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);
  if (pid !== undefined) {
    live.delete(pid);
    // Grandchildren that outlived their parent (rare) go with the group.
    if (cancelled) killGroup(pid, 'SIGKILL');
  }
  const code = (result as { code?: string }).code;
  const spawnError =
    result.failed && pid === undefined ? { code: code ?? 'SPAWN', message: result.shortMessage ?? result.message ?? 'could not start' } : null;
  return {
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
    signal: result.signal ?? null,
    cancelled,
    spawnError,
    stderrTail: tail,
    stdout,
  };
}

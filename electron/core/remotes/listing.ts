// Streams a folder listing from `rclone lsjson`, which prints one item a line, so a folder of
// 50,000 entries arrives in batches without holding rclone's whole output as one string.
import { execa } from 'execa';
import { withDeathSignal } from '../process/death-signal.js';
import { createInterface } from 'node:readline';
import { RemoteError } from './errors.js';
import { errorFromStderr, type RcloneRunner } from './rclone-runner.js';

/** One listing entry, trimmed to what the browser shows. */
export interface ListEntry {
  readonly name: string;
  readonly isDir: boolean;
  /** Bytes; -1 for folders (size on demand). */
  readonly size: number;
  /** ISO time. */
  readonly modTime: string;
}

/** Options of a streamed listing. */
export interface StreamListOptions {
  /** Entries per batch handed to onBatch. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onBatch: (entries: readonly ListEntry[]) => void;
}

// Parses one line of lsjson output into an entry; undefined for the "[" and "]" lines.
export function parseLsjsonLine(line: string): ListEntry | undefined {
  let text = line.trim();
  if (text === '' || text === '[' || text === ']') return undefined;
  if (text.endsWith(',')) text = text.slice(0, -1);
  const item = JSON.parse(text) as { Name: string; IsDir: boolean; Size: number; ModTime: string };
  return { name: item.Name, isDir: item.IsDir, size: item.IsDir ? -1 : item.Size, modTime: item.ModTime };
}

// Lists `target` (a "remote:path" string) in batches; resolves with the total count.
export async function streamList(runner: RcloneRunner, target: string, options: StreamListOptions): Promise<number> {
  const batchSize = options.batchSize ?? 2000;
  const env = runner.childEnv();
  const start = withDeathSignal(runner.rclone, [...runner.baseArgs(), 'lsjson', '--no-mimetype', '--', target], 'SIGKILL', env);
  const child = execa(start.command, start.args, {
    env,
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    forceKillAfterDelay: 2000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
  });
  let batch: ListEntry[] = [];
  let count = 0;
  let parseError: unknown;
  const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (parseError) return;
    try {
      const entry = parseLsjsonLine(line);
      if (!entry) return;
      batch.push(entry);
      count += 1;
      if (batch.length >= batchSize) {
        options.onBatch(batch);
        batch = [];
      }
    } catch (error) {
      parseError = error;
    }
  });
  const closed = new Promise<void>((resolve) => lines.once('close', () => resolve()));
  const result = await child;
  await closed;
  if (result.isCanceled) throw new RemoteError('cancelled', 'Listing cancelled.');
  if (result.code === 'ENOENT') throw new RemoteError('spawn-failed', `rclone was not found at ${runner.rclone}.`);
  if (result.exitCode !== 0) throw errorFromStderr(runner.redactor.text(String(result.stderr ?? '')), result.exitCode ?? -1);
  if (parseError) throw new RemoteError('protocol', 'rclone printed a listing line that is not JSON.');
  if (batch.length > 0) options.onBatch(batch);
  return count;
}

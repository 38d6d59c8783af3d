// Streams a folder listing from `rclone lsjson`, which prints one item a line, so a folder of
// 50,000 entries arrives in batches without holding rclone's whole output as one string.
import { RemoteError } from './errors.js';
import { errorFromStderr, type RcloneRunner } from './rclone-runner.js';
import { RcloneOutputError, parseLsjsonLine } from '../rclone/rclone-output.js';

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
export function parseListLine(line: string): ListEntry | undefined {
  const item = parseLsjsonLine(line);
  return item && { name: item.Name, isDir: item.IsDir, size: item.IsDir ? -1 : item.Size, modTime: item.ModTime };
}

// Lists `target` (a "remote:path" string) in batches; resolves with the total count.
export async function streamList(runner: RcloneRunner, target: string, options: StreamListOptions): Promise<number> {
  const batchSize = options.batchSize ?? 2000;
  let batch: ListEntry[] = [];
  let count = 0;
  let parseError: unknown;
  const result = await runner.start({
    args: ['lsjson', '--no-mimetype', '--', target],
    keepStderr: true,
    killAfterMs: 2000,
    ...(options.signal ? { signal: options.signal } : {}),
    onLine: (line, stream) => {
      if (stream !== 'stdout' || parseError) return;
      try {
        const entry = parseListLine(line);
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
    },
  }).result;
  if (result.cancelled) throw new RemoteError('cancelled', 'Listing cancelled.');
  runner.throwIfNotRun(result);
  if (result.exitCode !== 0) throw errorFromStderr(runner.redactor.text(result.stderr), result.exitCode ?? -1);
  if (parseError) throw new RemoteError('protocol', parseError instanceof RcloneOutputError ? parseError.message : 'rclone printed a listing line Reprise cannot read.');
  if (batch.length > 0) options.onBatch(batch);
  return count;
}

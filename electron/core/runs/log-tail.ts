// The end of a run's log: the tail is what matters (the end says how it ended), and a huge log is
// never loaded whole.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

export interface LogTail {
  readonly text: string;
  readonly truncated: boolean;
  readonly available: boolean;
  readonly path: string | null;
}

/** Reads at most maxBytes from the end of the log at path (absent or missing: not available). */
export function readLogTail(path: string | null, maxBytes: number): LogTail {
  if (!path || !existsSync(path)) return { text: '', truncated: false, available: false, path };
  const size = statSync(path).size;
  const start = Math.max(0, size - maxBytes);
  const buf = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, buf.length, start);
  } finally {
    closeSync(fd);
  }
  return { text: buf.toString('utf8'), truncated: start > 0, available: true, path };
}

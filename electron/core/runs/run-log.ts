// A run's log file, written in batches: a 1M-file run logs a line per file, and one write call per
// line costs the CPU that rclone needs (measured: 20k lines added ~1 s of syscalls on 2 cores).
import { createWriteStream } from 'node:fs';

export interface RunLog {
  /** Adds one line (already redacted by the caller). */
  line(text: string): void;
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>;
}

/** Past this size a log keeps only Reprise's own lines (`#`) and errors: a million "Copied" lines help nobody. */
export const RUN_LOG_FULL_BYTES = 16 * 1024 * 1024;
/** …and past this, nothing but Reprise's own lines. */
export const RUN_LOG_MAX_BYTES = 32 * 1024 * 1024;
const IMPORTANT = /"level":"(error|critical)"/;

/** Opens a run log at path (mode 0600), flushing every 64 KB or 250 ms; bounded (see RUN_LOG_FULL_BYTES). */
export function openRunLog(path: string, flushBytes = 64 * 1024, flushMs = 250, fullBytes = RUN_LOG_FULL_BYTES, maxBytes = RUN_LOG_MAX_BYTES): RunLog {
  const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  let buffer: string[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | null = null;
  let written = 0;
  let dropped = 0;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer.length === 0) return;
    stream.write(buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    line(text) {
      const own = text.startsWith('#');
      if (written >= fullBytes && !own && (written >= maxBytes || !IMPORTANT.test(text))) {
        if (dropped++ === 0) buffer.push(`# the log passed ${Math.round(fullBytes / 1048576)} MB: from here on only Reprise's lines and errors are kept\n`);
        return;
      }
      written += text.length + 1;
      buffer.push(text, '\n');
      size += text.length + 1;
      if (size >= flushBytes) flush();
      else if (!timer) {
        timer = setTimeout(flush, flushMs);
        timer.unref();
      }
    },
    close() {
      if (dropped > 0) {
        buffer.push(`# ${dropped} log lines were left out to keep this log small\n`);
      }
      flush();
      return new Promise<void>((resolve) => stream.end(resolve));
    },
  };
}

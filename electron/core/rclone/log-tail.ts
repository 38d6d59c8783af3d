// Follows a file another process appends to, in large reads on a timer. rclone writes its JSON log
// to such a file instead of a pipe: a pipe wakes Reprise for every log line, and on two cores those
// wake-ups cost rclone ~30 % of its speed on a 20k-file copy (measured; see scripts/bench.js).
import { closeSync, openSync, readSync, writeFileSync, rmSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { lineSplitter } from '../process/line-splitter.js';

export interface LogTail {
  /** Reads everything appended so far (also runs on the timer). */
  drain(): void;
  /** Reads everything appended so far and ends the tail (call after the writer exited). */
  finish(): void;
}

/** Creates the (private, 0600) file and starts following it every intervalMs. */
export function tailLogFile(path: string, onLine: (line: string) => void, intervalMs = 200): LogTail {
  writeFileSync(path, '', { mode: 0o600 });
  const fd = openSync(path, 'r');
  const splitter = lineSplitter(onLine);
  const chunk = Buffer.alloc(1 << 20);
  let position = 0;
  const decoder = new StringDecoder('utf8');
  const drain = () => {
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n <= 0) return;
      position += n;
      // The decoder keeps a character cut at a read's end for the next read.
      splitter.push(decoder.write(chunk.subarray(0, n)));
    }
  };
  const timer = setInterval(drain, intervalMs);
  return {
    drain,
    finish() {
      clearInterval(timer);
      drain();
      splitter.push(decoder.end());
      splitter.flush();
      closeSync(fd);
      rmSync(path, { force: true });
    },
  };
}

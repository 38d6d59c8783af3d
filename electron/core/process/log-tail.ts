// Follows a file another process appends to, in large reads on a timer. rclone writes its JSON log
// to such a file instead of a pipe: a pipe wakes Reprise for every log line, and on two cores those
// wake-ups cost rclone ~30 % of its speed on a 20k-file copy (measured; see scripts/bench.js).
// rsync's progress (a line per file copied) goes the same way: a first snapshot of 300k files took
// 34 s through a pipe and 29-32 s through a file.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { lineSplitter } from './line-splitter.js';

export interface LogTail {
  /** Reads everything appended so far (also runs on the timer). */
  drain(): void;
  /** Reads everything appended so far and ends the tail (call after the writer exited). */
  finish(): void;
}

/** A private log the child writes through an inherited descriptor: no name on disk to leave behind. */
export interface PrivateLog extends LogTail {
  /** The descriptor to hand the child as its stderr (rclone's log) or stdout (rsync's progress). */
  readonly fd: number;
}

// Reads `fd` from `position` on, in big chunks, splitting into lines.
function follower(fd: number, onLine: (line: string) => void, intervalMs: number, done: () => void): LogTail {
  const splitter = lineSplitter(onLine);
  const chunk = Buffer.alloc(1 << 20);
  let position = 0;
  let finished = false;
  const decoder = new StringDecoder('utf8');
  const drain = () => {
    if (finished) return;
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
      if (finished) return;
      clearInterval(timer);
      drain();
      finished = true;
      splitter.push(decoder.end());
      splitter.flush();
      closeSync(fd);
      done();
    },
  };
}

/** Creates the (private, 0600) file and starts following it every intervalMs. */
export function tailLogFile(path: string, onLine: (line: string) => void, intervalMs = 200): LogTail {
  writeFileSync(path, '', { mode: 0o600 });
  return follower(openSync(path, 'r'), onLine, intervalMs, () => rmSync(path, { force: true }));
}

/**
 * A log file for one child that no crash can leave behind: created 0600 in the temp folder,
 * opened for appending, and its name removed at once (POSIX keeps an unlinked file alive while a
 * descriptor is open). The child gets the descriptor as its stderr or stdout; we read it by position. Even
 * if Reprise and the child are killed, the kernel frees the file with the last descriptor.
 * Windows cannot remove an open file's name this way, so there it is removed at finish().
 */
export function openPrivateLog(tool: string, onLine: (line: string) => void, intervalMs = 200): PrivateLog {
  const path = join(tmpdir(), `reprise-${tool}-${process.pid}-${randomBytes(6).toString('hex')}.log`);
  // Exclusive create, read + append: the child's writes always land at the end.
  const fd = openSync(path, 'ax+', 0o600);
  const unlinkNow = process.platform !== 'win32';
  if (unlinkNow) unlinkSync(path);
  const tail = follower(fd, onLine, intervalMs, () => {
    if (!unlinkNow) rmSync(path, { force: true });
  });
  return { fd, ...tail };
}

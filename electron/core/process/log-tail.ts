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
  /** Reads everything appended so far, or while the gate allows (also runs on the timer). */
  drain(): void;
  /** Reads everything appended so far and ends the tail (call after the writer exited). The gate is not asked. */
  finish(): void;
  /**
   * Reads on, as the gate allows, to the end of what was appended, then ends the tail (call after
   * the writers exited). With no gate, the same as finish().
   */
  readToEnd(): Promise<void>;
}

/** A private log the child writes through an inherited descriptor: no name on disk to leave behind. */
export interface PrivateLog extends LogTail {
  /** The descriptor to hand the child as its stderr (rclone's log) or stdout (rsync's progress). */
  readonly fd: number;
}

// Reads `fd` from `position` on, in big chunks, splitting into lines; a chunk at a time while `gate` allows.
function follower(fd: number, onLine: (line: string) => void, intervalMs: number, done: () => void, gate?: () => boolean): LogTail {
  const splitter = lineSplitter(onLine);
  const chunk = Buffer.alloc(1 << 20);
  let position = 0;
  let finished = false;
  let toEnd: (() => void) | null = null;
  let ending = false;
  const decoder = new StringDecoder('utf8');
  const read = (gated: boolean): void => {
    if (finished) return;
    for (;;) {
      if (gated && gate && !gate()) return;
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n <= 0) {
        if (toEnd && !ending) end();
        return;
      }
      position += n;
      // The decoder keeps a character cut at a read's end for the next read.
      splitter.push(decoder.write(chunk.subarray(0, n)));
    }
  };
  const drain = (): void => read(true);
  const timer = setInterval(drain, intervalMs);
  const end = (): void => {
    if (finished || ending) return;
    ending = true;
    clearInterval(timer);
    read(false);
    finished = true;
    splitter.push(decoder.end());
    splitter.flush();
    closeSync(fd);
    done();
    toEnd?.();
  };
  return {
    drain,
    finish: end,
    readToEnd() {
      if (finished) return Promise.resolve();
      return new Promise<void>((resolve) => {
        toEnd = resolve;
        drain();
      });
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
export function openPrivateLog(tool: string, onLine: (line: string) => void, intervalMs = 200, gate?: () => boolean): PrivateLog {
  const path = join(tmpdir(), `reprise-${tool}-${process.pid}-${randomBytes(6).toString('hex')}.log`);
  // Exclusive create, read + append: the child's writes always land at the end.
  const fd = openSync(path, 'ax+', 0o600);
  const unlinkNow = process.platform !== 'win32';
  if (unlinkNow) unlinkSync(path);
  const tail = follower(
    fd,
    onLine,
    intervalMs,
    () => {
      if (!unlinkNow) rmSync(path, { force: true });
    },
    gate,
  );
  return { fd, ...tail };
}

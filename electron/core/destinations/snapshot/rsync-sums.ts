// The MD5 of every file rsync copies, as rsync itself computed it while copying. A first snapshot
// must hash every file for its record; reading each file a second time in Reprise, beside rsync,
// cost a 300k-file first run ~7 s of CPU (open, read, close, hash) and doubles what is read from a
// disk-bound library. rsync checksums each file it sends anyway to check the transfer:
// `--checksum-choice=md5` makes that checksum MD5 (the record's hash) and `--out-format` prints it
// with the name, after the file was sent. The sum is of the bytes rsync stored in the snapshot,
// which is the point's truth even when the source file changed during the run.
//
// rsync's order is not the record's: within a folder it sends the files first, then descends into
// the subfolders, where the record sorts whole paths. So the sums wait in a map until the record
// reaches their path, and that map is bounded: a path rsync never names (a file linked from an
// interrupted run, a hard link's second name, a vanished file) is read from disk as before, once
// rsync is far enough ahead or done.

import type { ChildRunner } from '../../process/child.js';

/**
 * Whether this rsync can sum in MD5 (3.2 and newer list their checksums in `--version`, under
 * "Checksum list:" or beside it: "xxh128 xxh3 xxh64 md5 md4 sha1 none"). Older ones (Reprise takes 3.1) and look-alikes do
 * not, and their files are read as before. Asked once per rsync path.
 */
export function rsyncSumsMd5(children: ChildRunner, rsync: string): Promise<boolean> {
  let known = probed.get(rsync);
  if (!known) {
    known = children
      .run({ command: rsync, args: ['--version'], keepStdout: true, timeoutMs: 15_000, env: { LC_ALL: 'C' } })
      .then((r) => r.exitCode === 0 && /\bmd5\b/.test(/Checksum list:\s+([^\n]+)/.exec(r.stdout)?.[1] ?? ''))
      .catch(() => false);
    probed.set(rsync, known);
  }
  return known;
}
const probed = new Map<string, Promise<boolean>>();

/**
 * rsync arguments that make it print `>f…… <size> <mtime> <md5> <name>` for each file it sends;
 * run it with TZ=UTC, as `%M` is in rsync's local time.
 */
export const RSYNC_SUM_ARGS = ['--checksum-choice=md5', '--out-format=%i %l %M %C %n'] as const;

// `%i` is eleven characters (`>f+++++++++`, `cd..t......`, `hf+++++++++`, `*deleting  `).
const ITEMIZED = /^[<>ch.*][fdLDS*][-+.a-zA-Z? ]{9} /;
const SENT_FILE = /^>f[-+.a-zA-Z? ]{9} (\d+) (\d{4})\/(\d\d)\/(\d\d)-(\d\d):(\d\d):(\d\d) ([0-9a-f]{32}) (.*)$/;

/**
 * Undoes rsync's escaping of a name it prints: with LC_ALL=C every byte that is not printable ASCII
 * (and a backslash before `#`) is written `\#ooo` in octal. The result is the name's bytes as a
 * binary (latin1) string, as record paths are.
 */
export function unescapeRsyncName(printed: string): string {
  return printed.replace(/\\#([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** A file as rsync sent it: its MD5, and the size and modification time (whole seconds) it saw. */
export interface Sent {
  readonly md5: string;
  readonly size: number;
  readonly mtimeSec: number;
}

/** What a line of rsync's output under RSYNC_SUM_ARGS is. */
export type SumLine = (Sent & { readonly name: string }) | 'itemized' | null;

/** A sent file's name (binary string, relative to the copy's root) and sum, 'itemized' for rsync's other per-entry lines, null for anything else. */
export function parseSumLine(line: string): SumLine {
  const m = SENT_FILE.exec(line);
  if (m) {
    const [, size, y, mo, d, h, mi, sec, md5, name] = m;
    return { name: unescapeRsyncName(name!), md5: md5!, size: Number(size), mtimeSec: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) / 1000 };
  }
  return ITEMIZED.test(line) ? 'itemized' : null;
}

/** How many sums wait for the record at most before a path not there yet is read from disk instead. */
const AHEAD = 20_000;

/** The sums of one run's rsync copies, handed to the record as it reaches each path. */
export class RsyncSums {
  private readonly sums = new Map<string, Sent>();
  private waiting: { path: string; resolve: (sent: Sent | undefined) => void } | null = null;
  private ended = false;
  /** Sums dropped because twice the limit already waited (those files are read instead). */
  dropped = 0;
  /** How many sums wait for the record at most before a path not there yet is read from disk instead. */
  static readonly AHEAD = AHEAD;
  /** Paths answered from rsync's sums, and paths left to be read from disk. */
  readonly counts = { fromRsync: 0, read: 0 };

  /**
   * Asked for more lines when the record wants a path the map does not hold yet (rsync's output is
   * read only as the record takes it, when rsync ran ahead of the walk: see snapshot-backup.ts).
   */
  onHungry: (() => void) | null = null;

  constructor(private readonly limit = AHEAD) {}

  /** Sums waiting for the record to take them. */
  get size(): number {
    return this.sums.size;
  }

  /** A file rsync sent, by record path. */
  add(path: string, sent: Sent): void {
    const w = this.waiting;
    if (w && w.path === path) {
      this.waiting = null;
      w.resolve(sent);
      return;
    }
    // Twice the limit: the record reads the file itself then (see take).
    if (this.sums.size >= this.limit * 2) {
      this.dropped++;
      return;
    }
    this.sums.set(path, sent);
    if (w && this.sums.size >= this.limit) {
      this.waiting = null;
      w.resolve(undefined);
    }
  }

  /** No more lines come (every rsync of the run has exited, or the run stops). */
  end(): void {
    this.ended = true;
    const w = this.waiting;
    this.waiting = null;
    w?.resolve(undefined);
  }

  /**
   * How rsync sent `path` (a record path), waiting for rsync to reach it; undefined when rsync will
   * not name it (it ended, or is so far ahead that the path was passed by): read it from disk.
   */
  take(path: string, signal?: AbortSignal): Promise<Sent | undefined> | Sent | undefined {
    let sent = this.sums.get(path);
    if (sent === undefined && !this.ended && this.onHungry && this.sums.size < this.limit) {
      this.onHungry();
      sent = this.sums.get(path);
    }
    if (sent !== undefined) {
      this.sums.delete(path);
      this.counts.fromRsync++;
      return sent;
    }
    if (this.ended || this.sums.size >= this.limit || signal?.aborted) {
      this.counts.read++;
      return undefined;
    }
    return new Promise<Sent | undefined>((resolve) => {
      const onAbort = (): void => {
        if (this.waiting?.path === path) this.waiting = null;
        this.counts.read++;
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting = {
        path,
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          if (v === undefined) this.counts.read++;
          else this.counts.fromRsync++;
          resolve(v);
        },
      };
    });
  }

  /** Sums rsync printed that the record never took: a path it does not list (appeared after the walk), or dropped. */
  get unclaimed(): number {
    return this.sums.size + this.dropped;
  }
}

/**
 * Whether the file rsync sent is not the one the record describes: its size or its time (to the
 * second, all rsync prints) moved between the walk and the copy. `mtime` is the record's, in ns.
 */
export function sentDiffers(sent: Sent, size: number, mtime: string): boolean {
  const ns = BigInt(mtime);
  let sec = ns / 1_000_000_000n;
  if (ns < 0n && ns % 1_000_000_000n !== 0n) sec -= 1n;
  return sent.size !== size || BigInt(sent.mtimeSec) !== sec;
}

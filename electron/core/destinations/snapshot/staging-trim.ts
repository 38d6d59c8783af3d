// Makes a source's staging tree hold exactly what the record lists. rsync copied the source
// recursively, some time after the walk: a file created in between is in the tree but not in the
// record, one deleted in between is in the record but not in the tree. One pass over the tree in
// record order, side by side with the list of recorded paths written during the walk, removes the
// first kind and reports the second; folders whose time rsync took after the walk get the record's.
import { chmodSync, closeSync, lstatSync, openSync, readSync, readdirSync, rmSync, type Dirent } from 'node:fs';
import { comparePaths } from '../record/entry.js';
import { NulChunks } from '../name-list.js';

export interface TrimOptions {
  /** The source's folder in staging (its name in the backup under the staging folder). */
  readonly root: string;
  /** NUL-separated paths relative to the source as the walk recorded them ('.' for the source itself). */
  readonly list: string;
  /** Recorded paths not in the list that belong in the tree too (databases placed apart), binary strings. */
  readonly alsoKept: ReadonlySet<string>;
  /**
   * Recorded folder times: a NUL-separated file of pairs, relative path ('' for the source itself)
   * then time (ns), in record order.
   */
  readonly dirTimes: string;
  /** Relative paths whose presence in the list is asked (what rsync said it could not read). */
  readonly asked: ReadonlySet<string>;
  readonly signal?: AbortSignal;
}

export interface TrimResult {
  /** Entries removed: in the tree, not in the record. */
  readonly removed: number;
  /** Listed paths the tree does not hold (relative, binary strings). */
  readonly missing: string[];
  /** Of `asked`, those the record lists. */
  readonly listed: Set<string>;
  /** Folders whose time is not the recorded one: absolute path (bytes) and recorded time (ns). */
  readonly retime: Array<{ readonly abs: Buffer; readonly mtime: string }>;
}

const binaryString = (buf: Buffer, start: number, end: number): string => buf.toString('latin1', start, end);

/** Reads NUL-separated names from a file in chunks, as binary strings. */
function* listReader(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const chunks = new NulChunks(1 << 20);
    for (;;) {
      const into = chunks.space();
      const n = readSync(fd, into.buffer, into.offset, into.length, null);
      if (n === 0) break;
      yield* chunks.take(n, binaryString);
    }
    const last = chunks.rest(binaryString);
    if (last !== undefined) yield last;
  } finally {
    closeSync(fd);
  }
}

interface Frame {
  readonly abs: Buffer;
  readonly rel: string;
  /** Names as binary strings (latin1: a character per byte): no Buffer per name of a million. */
  readonly names: Dirent[];
  next: number;
  /** The folder's recorded time (ns), when the record has it. */
  readonly want: string | undefined;
}

const SLASH = Buffer.from('/');

/**
 * Runs `fn` on a folder rsync made as the source had it: one without read or write permission
 * for its owner (a copy of such a source folder; rsync sets modes last) is opened up for the
 * moment when Reprise does not run as root.
 */
function withAccess<T>(dir: Buffer, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    const mode = lstatSync(dir).mode & 0o7777;
    chmodSync(dir, mode | 0o700);
    try {
      return fn();
    } finally {
      chmodSync(dir, mode);
    }
  }
}

function open(abs: Buffer, rel: string, want: string | undefined): Frame {
  const names = withAccess(abs, () => readdirSync(abs, { encoding: 'latin1', withFileTypes: true }));
  // Byte order, as the record's: binary strings compare as their bytes do.
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { abs, rel, names, next: 0, want };
}

/**
 * The recorded times of folders, asked for in record order (as the trim opens them): each pair of
 * the file is read once, and those of folders the tree does not hold are passed over.
 */
function timesReader(file: string): { timeOf(rel: string): string | undefined; close(): void } {
  const pairs = listReader(file);
  let rel = pairs.next();
  return {
    timeOf(want) {
      while (!rel.done && comparePaths(rel.value, want) < 0) {
        pairs.next();
        rel = pairs.next();
      }
      if (rel.done || rel.value !== want) return undefined;
      const time = pairs.next();
      rel = pairs.next();
      return time.done ? undefined : time.value;
    },
    close: () => void pairs.return(undefined),
  };
}

/** Removes from the tree what the record does not list; see the file's comment. */
export async function trimToRecord(o: TrimOptions): Promise<TrimResult> {
  const list = listReader(o.list);
  const missing: string[] = [];
  const listed = new Set<string>();
  const retime: Array<{ abs: Buffer; mtime: string }> = [];
  let removed = 0;
  const next = (): string | undefined => {
    for (;;) {
      const r = list.next();
      if (r.done) return undefined;
      if (r.value === '.') continue; // the source itself: always there
      if (o.asked.size > 0 && o.asked.has(r.value)) listed.add(r.value);
      return r.value;
    }
  };
  let cur = next();
  const rootAbs = Buffer.from(o.root);
  const times = timesReader(o.dirTimes);
  const stack: Frame[] = [];
  let steps = 0;
  try {
    stack.push(open(rootAbs, '', times.timeOf('')));
    while (stack.length > 0) {
      if (++steps % 4096 === 0) {
        // A long pass leaves the event loop (progress, a cancel) a turn now and then.
        await new Promise((r) => setImmediate(r));
        o.signal?.throwIfAborted();
      }
      const f = stack[stack.length - 1]!;
      if (f.next >= f.names.length) {
        stack.pop();
        if (f.want !== undefined && lstatSync(f.abs, { bigint: true }).mtimeNs.toString() !== f.want) retime.push({ abs: f.abs, mtime: f.want });
        continue;
      }
      const d = f.names[f.next++]!;
      const name = d.name;
      const rel = f.rel === '' ? name : `${f.rel}/${name}`;
      while (cur !== undefined && comparePaths(cur, rel) < 0) {
        missing.push(cur);
        cur = next();
      }
      const abs = (): Buffer => Buffer.concat([f.abs, SLASH, Buffer.from(name, 'latin1')]);
      if (cur === rel) cur = next();
      else if (!o.alsoKept.has(rel)) {
        withAccess(f.abs, () => rmSync(abs(), { recursive: true, force: true }));
        removed++;
        continue;
      }
      if (d.isDirectory()) stack.push(open(abs(), rel, times.timeOf(rel)));
    }
    while (cur !== undefined) {
      missing.push(cur);
      cur = next();
    }
  } finally {
    list.return(undefined);
    times.close();
  }
  return { removed, missing, listed, retime };
}

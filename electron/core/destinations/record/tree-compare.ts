// Compares what a destination holds with a point's record, entry by entry in one pass: verify's
// answer to "does this point still hold exactly what it says?".
import { type RecordEntry, comparePaths, textOf } from './entry.js';

/** What a destination holds at one path, as far as the kind can tell. */
export interface HeldEntry {
  readonly path: string;
  readonly type: RecordEntry['type'];
  readonly size: number;
  /** Nanoseconds, or null where the destination keeps no times. */
  readonly mtime: string | null;
  readonly mode?: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly link?: string;
  readonly hardlink?: string;
  /** Read the content and hash it (deep verification). */
  readonly hash?: () => Promise<string>;
}

export interface CompareOptions {
  readonly deep: boolean;
  /** Which attributes this destination keeps, so only those are compared. */
  readonly keeps: { readonly modes: boolean; readonly owners: boolean; readonly links: boolean; readonly dirs: boolean; readonly mtimes: 'exact' | 'seconds' | 'none' };
  readonly signal?: AbortSignal;
  /** Stop collecting sample lines after this many. */
  readonly sampleSize?: number;
}

export interface CompareResult {
  readonly checked: number;
  readonly differences: number;
  /** `* path: why` (differs), `- path` (in the record, not on the destination), `+ path` (on the destination, not in the record). */
  readonly sample: readonly string[];
}

/** Walks the record and the destination side by side. */
export async function compareWithRecord(record: AsyncIterable<RecordEntry>, held: AsyncIterable<HeldEntry>, o: CompareOptions): Promise<CompareResult> {
  const ri = record[Symbol.asyncIterator]();
  const hi = held[Symbol.asyncIterator]();
  let r = await ri.next();
  let h = await hi.next();
  let checked = 0;
  let differences = 0;
  const sample: string[] = [];
  const limit = o.sampleSize ?? 50;
  const note = (line: string): void => {
    differences++;
    if (sample.length < limit) sample.push(line);
  };
  const relevant = (e: RecordEntry): boolean => !e.lack && (e.type === 'f' || (e.type === 'd' && o.keeps.dirs) || (e.type === 'l' && o.keeps.links));
  while (!r.done || !h.done) {
    o.signal?.throwIfAborted();
    const c = r.done ? 1 : h.done ? -1 : comparePaths(r.value.path, h.value.path);
    if (c < 0) {
      if (relevant(r.value)) note(`- ${textOf(r.value.path)}`);
      r = await ri.next();
      continue;
    }
    if (c > 0) {
      if (h.value.type === 'f') note(`+ ${textOf(h.value.path)}`);
      h = await hi.next();
      continue;
    }
    const e = r.value;
    const got = h.value;
    r = await ri.next();
    h = await hi.next();
    if (e.lack || !relevant(e)) continue;
    checked++;
    const why = await differs(e, got, o);
    if (why) note(`* ${textOf(e.path)}: ${why}`);
  }
  return { checked, differences, sample };
}

async function differs(e: RecordEntry, got: HeldEntry, o: CompareOptions): Promise<string | null> {
  if (got.type !== e.type) return `a ${got.type} where the record has a ${e.type}`;
  if (e.type === 'f' && got.size !== e.size) return `size ${got.size} instead of ${e.size}`;
  if (o.keeps.mtimes !== 'none' && got.mtime !== null && e.type !== 'l') {
    const a = BigInt(got.mtime);
    const b = BigInt(e.mtime);
    const same = o.keeps.mtimes === 'exact' ? a === b : a / 1_000_000_000n === b / 1_000_000_000n;
    if (!same) return 'modification time differs';
  }
  if (o.keeps.modes && got.mode !== undefined && e.type !== 'l' && got.mode !== e.mode) return `mode ${got.mode.toString(8)} instead of ${e.mode.toString(8)}`;
  if (o.keeps.owners && got.uid !== undefined && (got.uid !== e.uid || got.gid !== e.gid)) return `owner ${got.uid}:${got.gid} instead of ${e.uid}:${e.gid}`;
  if (e.type === 'l' && got.link !== undefined && got.link !== e.link) return 'link points elsewhere';
  if (e.type === 'f' && got.hardlink !== e.hardlink && o.keeps.links) return e.hardlink ? `not a hard link of ${textOf(e.hardlink)}` : 'hard-linked where the record has a separate file';
  if (o.deep && e.type === 'f' && got.hash) {
    if (!e.hash) return 'the record has no content hash for it';
    const h = await got.hash();
    if (h !== e.hash) return 'content differs from the record';
  }
  return null;
}

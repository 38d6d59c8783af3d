// Builds the record of a new point from the walk of the sources and the tree of the point it builds
// on: both a full record and a delta are written while the comparison streams past, and the delta is
// kept until the deltas since the last full record add up to half a tree (or MAX_DEPTH of them).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type RecordEntry, RecordFormatError, type RecordLine, comparePaths, decodeLine, encodeLine, isDeleted, textOf } from './entry.js';
import { type RecordHeader, type RecordWriter, createRecordWriter, openRecordFile } from './record-file.js';
import type { PointSummary } from './point-summary.js';
import { type RecordReader, mergeChainBatches } from './record-chain.js';
import { type DiffItem, type Hasher, type ReadLater, diffTreeBatches, md5File } from './tree-diff.js';
import type { XattrMap } from './xattrs.js';
import type { WalkedEntry } from './tree-walk.js';

/** Deltas allowed on top of a full record before the next one is full again (bounds the files a read merges). */
export const MAX_DEPTH = 64;

export interface Totals {
  files: number;
  dirs: number;
  links: number;
  others: number;
  bytes: number;
}

export interface ChangeTotals {
  added: number;
  changed: number;
  deleted: number;
  bytes: number;
}

export interface BuildOptions {
  readonly id: string;
  /** The walk, in batches (tree-walk's walkSourceBatches; batchesOf for a stream of single entries). */
  readonly walked: AsyncIterable<readonly WalkedEntry[]>;
  /** The point this run builds on, or null for the first. */
  readonly base: { readonly reader: RecordReader; readonly summary: PointSummary } | null;
  readonly hasher: Hasher;
  /** A local folder for the files being written. */
  readonly workDir: string;
  /** Every entry of the new tree, in record order. */
  readonly onEntry?: (e: WalkedEntry) => void | Promise<void>;
  /** Every path that is not the same as in the base point, in record order. */
  readonly onChange?: (item: DiffItem) => void | Promise<void>;
  /** New files whose content is read after the record is built (a first run: see completeContent). */
  readonly later?: ReadLater;
  readonly signal?: AbortSignal;
}

/** The record of a new point, written locally, ready to be stored. */
export interface BuiltRecord {
  /** The entries file to store (full or delta). */
  readonly file: string;
  readonly kind: 'full' | 'delta';
  readonly base: string | null;
  readonly depth: number;
  readonly lines: number;
  readonly totals: Totals;
  readonly changes: ChangeTotals;
  /** Entries the point lacks already at the walk (unreadable files and folders). */
  readonly lacking: { count: number; sample: string[] };
  /** Set when the base point's record could not be read to the end: this record is then a full one. */
  readonly baseProblem: string | null;
  /** Files recorded without their content hash yet (`later`): completeContent reads them. */
  readonly pending: number;
  /**
   * With `later`, the entries' extended attributes are not in the record yet either: each source's
   * dump (by its name in the record), for completeContent to add. Absent once they are in.
   */
  readonly xattrsLater?: ReadonlyMap<string, Promise<XattrMap | null>>;
}

const SAMPLE = 100;

/** Walks, compares, hashes and writes; returns the record to store. */
export async function buildRecord(o: BuildOptions): Promise<BuiltRecord> {
  const fullFile = join(o.workDir, `${o.id}.full.gz`);
  const deltaFile = join(o.workDir, `${o.id}.delta.gz`);
  const fullHeader = { format: 'reprise-record', version: 1, id: o.id, kind: 'full', base: null } as const;
  // With a base point only the delta is written while the walk streams past (a no-change run over
  // a million files would otherwise encode and compress every line for nothing); the full record
  // is made afterwards from the base and the delta in the rare run that needs one.
  const full = o.base ? null : await createRecordWriter(fullFile, fullHeader);
  let delta: RecordWriter | null = null;
  if (o.base) delta = await createRecordWriter(deltaFile, { format: 'reprise-record', version: 1, id: o.id, kind: 'delta', base: o.base.summary.id });
  let entries = 0;
  // How many entries of the base tree this run read (a damaged base: up to where it broke).
  let baseRead = 0;
  const totals: Totals = { files: 0, dirs: 0, links: 0, others: 0, bytes: 0 };
  const changes: ChangeTotals = { added: 0, changed: 0, deleted: 0, bytes: 0 };
  const lacking = { count: 0, sample: [] as string[] };
  let pending = 0;
  const xattrsLater = o.later && !o.base ? new Map<string, Promise<XattrMap | null>>() : undefined;
  let baseProblem: string | null = null;
  // A damaged base record never stops a backup: what could be read of it is used, the rest of the
  // tree counts as new, and the new record is a full one that needs no base.
  async function* tolerant(tree: AsyncIterable<RecordEntry[]>): AsyncGenerator<RecordEntry[]> {
    try {
      for await (const batch of tree) {
        baseRead += batch.length;
        yield batch;
      }
    } catch (e) {
      if (!(e instanceof RecordFormatError)) throw e;
      baseProblem = `the record of ${o.base!.summary.id} cannot be read (${e.message}); this run's record is a full one`;
    }
  }
  try {
    const base = o.base ? tolerant(o.base.reader.treeBatches(o.base.summary.id, undefined, o.signal)) : null;
    for await (const batch of diffTreeBatches(o.walked, base, o.hasher, 4, o.later, xattrsLater)) {
      o.signal?.throwIfAborted();
      // Within a batch nothing is awaited unless a hook or a writer hands back a promise.
      for (const item of batch) {
        const e = item.entry;
        let p: void | Promise<void>;
        if (e) {
          if (o.onEntry && (p = o.onEntry(e))) await p;
          const record = recordOnly(e);
          entries++;
          if (full && (p = full.add(record))) await p;
          if (e.type === 'f') {
            totals.files++;
            totals.bytes += e.size;
            if (e.hash === undefined && !e.lack) pending++;
          } else if (e.type === 'd') totals.dirs++;
          else if (e.type === 'l') totals.links++;
          else totals.others++;
          if (e.lack) {
            lacking.count++;
            if (lacking.sample.length < SAMPLE) lacking.sample.push(`${textOf(e.path)}: ${e.lack}`);
          }
          // An entry the same but for its ctime (a restore in place, a chmod and back) is no change,
          // but its line is written: else every later run would find the ctime moved and read its
          // attributes again. It lands with the next point the run makes (a run with no change makes
          // none, and reads them again next time; only these entries, in one getfattr a batch).
          if ((item.change !== 'same' || e.ctime !== item.before?.ctime) && delta && (p = delta.add(record))) await p;
        } else if (delta && (p = delta.add({ path: item.before!.path, deleted: true }))) await p;
        if (item.change === 'same') continue;
        changes[item.change]++;
        if (item.change !== 'deleted' && item.content && e) changes.bytes += e.size;
        if (o.onChange && (p = o.onChange(item))) await p;
      }
    }
  } catch (e) {
    full?.abort();
    delta?.abort();
    throw e;
  }
  const fullLines = entries;
  if (full) await full.finish();
  const deltaLines = delta ? await delta.finish() : 0;
  const depth = o.base ? o.base.summary.record.depth + 1 : 0;
  // A full record again once the deltas since the last one add up to half a tree: storage then
  // grows with what changes, and reading a point never costs more than about two full records.
  const chainDeltas = o.base && !baseProblem ? o.base.reader.chain(o.base.summary.id).reduce((n, s) => n + (s.record.kind === 'delta' ? s.record.lines : 0), 0) : 0;
  const useDelta = delta !== null && baseProblem === null && depth <= MAX_DEPTH && (chainDeltas + deltaLines) * 2 <= fullLines;
  if (!useDelta && o.base) {
    // The new tree is the base tree (as far as this run read it) with the delta on top.
    const written = await writeMerged(fullFile, fullHeader, o.base.reader, o.base.summary.id, baseRead, deltaFile, o.signal);
    if (written !== fullLines) throw new Error(`the full record of ${o.id} came out with ${written} entries instead of ${fullLines}`);
  }
  await rm(useDelta ? fullFile : deltaFile, { force: true });
  return {
    file: useDelta ? deltaFile : fullFile,
    kind: useDelta ? 'delta' : 'full',
    base: useDelta ? o.base!.summary.id : null,
    depth: useDelta ? depth : 0,
    lines: useDelta ? deltaLines : fullLines,
    totals,
    changes,
    lacking,
    baseProblem,
    pending: o.later ? pending : 0,
    ...(xattrsLater && xattrsLater.size > 0 ? { xattrsLater } : {}),
  };
}

/**
 * The content hash of a record entry when something else already computed it (rsync, which sums
 * each file it copies); undefined: read the file.
 */
export type KnownHashes = (entry: { readonly path: string; readonly size: number; readonly mtime: string }, signal?: AbortSignal) => Promise<string | undefined> | string | undefined;

/** How often completeContent lets the event loop run (a child's output, a cancel) while it reads. */
const YIELD_EVERY_MS = 20;

/**
 * Reads the content of the files a record holds without a hash (a first run defers them, so that
 * hashing runs while rclone or rsync copies instead of before) and writes the record again with
 * their hashes, and with the extended attributes of every entry when those were left for later
 * too (BuiltRecord.xattrsLater). A file gone or unreadable by now is marked as lacking, as the walk
 * would have. `roots` maps each source's name in the backup (binary string) to its folder on disk.
 */
export async function completeContent(built: BuiltRecord, out: string, roots: ReadonlyMap<string, Buffer>, signal?: AbortSignal, known?: KnownHashes): Promise<BuiltRecord> {
  if (built.pending === 0 && !built.xattrsLater) return built;
  // Only sources with attributes at all (most music libraries have none): others skip the lookup.
  const dumps = new Map<string, XattrMap>();
  for (const [source, dump] of built.xattrsLater ?? []) {
    const map = await dump;
    if (map && map.size > 0) dumps.set(source, map);
  }
  const rec = await openRecordFile(built.file);
  const w = await createRecordWriter(out, rec.header);
  const lacking = { count: built.lacking.count, sample: [...built.lacking.sample] };
  const SLASH = Buffer.from('/');
  let lines = 0;
  let yielded = Date.now();
  try {
    for await (const batch of rec.batches) {
      for (const line of batch) {
        let entry: RecordLine = line;
        if (dumps.size > 0 && !isDeleted(line)) {
          const cut = line.path.indexOf('/');
          const source = cut < 0 ? line.path : line.path.slice(0, cut);
          const map = dumps.get(source);
          const root = roots.get(source);
          if (map && root) {
            const abs = cut < 0 ? root.toString('latin1') : `${root.toString('latin1')}/${line.path.slice(cut + 1)}`;
            const x = map.get(abs);
            if (x) entry = { ...line, xattrs: x };
          }
        }
        if (!isDeleted(line) && line.type === 'f' && line.hash === undefined && !line.lack) {
          signal?.throwIfAborted();
          const cut = line.path.indexOf('/');
          const root = roots.get(line.path.slice(0, cut));
          if (!root) throw new Error(`${textOf(line.path)} is under no source of this run`);
          const abs = Buffer.concat([root, SLASH, Buffer.from(line.path.slice(cut + 1), 'latin1')]);
          let lack: string | null = null;
          let given = known?.(line, signal);
          if (given !== undefined && typeof given !== 'string') given = await given;
          try {
            entry = { ...entry, hash: given ?? (await md5File(abs, signal, line.size)) };
          } catch (err) {
            if (signal?.aborted) throw err;
            const code = (err as NodeJS.ErrnoException).code;
            lack = code === 'ENOENT' ? 'vanished while it was backed up' : code === 'EACCES' || code === 'EPERM' ? 'not readable (permission denied)' : `could not be read: ${(err as Error).message}`;
          }
          if (lack !== null) {
            entry = { ...entry, lack };
            lacking.count++;
            if (lacking.sample.length < SAMPLE) lacking.sample.push(`${textOf(line.path)}: ${lack}`);
          }
          // Small files are read synchronously: let the copy's progress and a cancel through now and then.
          if (Date.now() - yielded >= YIELD_EVERY_MS) {
            await new Promise<void>((r) => setImmediate(r));
            yielded = Date.now();
          }
        }
        lines++;
        const p = w.add(entry);
        if (p) await p;
      }
    }
  } catch (e) {
    w.abort();
    rec.close();
    throw e;
  }
  const written = await w.finish();
  if (written !== built.lines || lines !== built.lines) throw new Error(`the record of ${rec.header.id} came out with ${written} entries instead of ${built.lines}`);
  const { xattrsLater: _done, ...rest } = built;
  return { ...rest, file: out, lacking, pending: 0 };
}

/** Writes base tree (its first `limit` entries) + delta file as one full record; returns its line count. */
async function writeMerged(file: string, header: RecordHeader, reader: RecordReader, baseId: string, limit: number, deltaFile: string, signal?: AbortSignal): Promise<number> {
  // Read no further than the first run did: a damaged base fails again where it failed then.
  async function* limited(): AsyncGenerator<RecordEntry[]> {
    if (limit <= 0) return;
    let left = limit;
    const it = reader.treeBatches(baseId, undefined, signal);
    try {
      while (left > 0) {
        const r = await it.next();
        if (r.done) return;
        const part = r.value.length > left ? r.value.slice(0, left) : r.value;
        left -= part.length;
        yield part;
      }
    } finally {
      await it.return(undefined);
    }
  }
  const delta = await openRecordFile(deltaFile);
  const w = await createRecordWriter(file, header);
  try {
    for await (const batch of mergeChainBatches([limited(), delta.batches])) {
      signal?.throwIfAborted();
      for (const line of batch) {
        const p = w.add(line);
        if (p) await p;
      }
    }
  } catch (e) {
    w.abort();
    delta.close();
    throw e;
  }
  return w.finish();
}

/** Only the record's own fields of a walked entry. */
export function recordOnly(e: RecordEntry): RecordEntry {
  return {
    path: e.path,
    type: e.type,
    size: e.size,
    mtime: e.mtime,
    ...(e.ctime !== undefined ? { ctime: e.ctime } : {}),
    mode: e.mode,
    uid: e.uid,
    gid: e.gid,
    ...(e.link !== undefined ? { link: e.link } : {}),
    ...(e.hardlink !== undefined ? { hardlink: e.hardlink } : {}),
    ...(e.hash !== undefined ? { hash: e.hash } : {}),
    ...(e.xattrs !== undefined ? { xattrs: e.xattrs } : {}),
    ...(e.lack !== undefined ? { lack: e.lack } : {}),
  };
}

/**
 * Rewrites an entries file marking some entries as lacking (after the copy: what could not be
 * stored). Returns the line count and the paths that were found and marked.
 */
export async function amendRecord(file: string, out: string, lack: ReadonlyMap<string, string>): Promise<{ lines: number; marked: Set<string> }> {
  const rec = await openRecordFile(file);
  const w = await createRecordWriter(out, rec.header);
  const marked = new Set<string>();
  try {
    for await (const line of rec.lines) {
      const why = lack.get(line.path);
      if (why !== undefined && !isDeleted(line) && !line.lack) {
        marked.add(line.path);
        await w.add({ ...line, lack: why });
      } else await w.add(line);
    }
  } catch (e) {
    w.abort();
    throw e;
  }
  return { lines: await w.finish(), marked };
}

/** Sorts entries into record order (for small lists built out of order). */
export function sortEntries<T extends { readonly path: string }>(list: T[]): T[] {
  return list.sort((a, b) => comparePaths(a.path, b.path));
}

/** Round-trips an entry through the stored format (tests and fixes). */
export function normalized(e: RecordEntry): RecordEntry {
  return decodeLine(encodeLine(e)) as RecordEntry;
}

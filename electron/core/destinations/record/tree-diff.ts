// Compares the walked sources with the tree of the point a run builds on, in one pass over two
// sorted streams: what was added, changed (content or metadata) or deleted, and which files need
// their content read (hashed, then copied). Unchanged files keep the hash the earlier point recorded.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type RecordEntry, bin, comparePaths, sameEntry } from './entry.js';
import type { WalkedEntry } from './tree-walk.js';
import type { XattrMap } from './xattrs.js';

/** One path of the comparison. */
export interface DiffItem {
  /** The new state; null for a deleted path. */
  readonly entry: WalkedEntry | null;
  /** The state in the base point; null for a new path. */
  readonly before: RecordEntry | null;
  readonly change: 'same' | 'added' | 'changed' | 'deleted';
  /** The file's bytes differ from the base point's (or it is new): they must be copied. */
  readonly content: boolean;
}

/** What reading a file's content gave: its hash, or why it could not be read (then the point lacks it). */
export type HashResult = { readonly hash: string; readonly size?: number } | { readonly lack: string } | { readonly vanished: true };

/** Reads (hashes) one file that needs it; sqlite databases and odd cases are the caller's to decide. */
export type Hasher = (entry: WalkedEntry, before: RecordEntry | null) => Promise<HashResult>;

/** Files up to this size are read in one synchronous call into a shared buffer. */
const SMALL_FILE = 1 << 20;
const smallBuffer = Buffer.allocUnsafe(SMALL_FILE);

/**
 * MD5 of a file's content. A small file (as the walk saw it, or as it is now) is read synchronously into one shared
 * buffer: a first run over 300k small files spent a minute in per-file promises and 1 MB buffers
 * (measured: md5File 63 s of a 211 s run). Larger files are read in 1 MB steps without blocking.
 */
export async function md5File(path: Buffer | string, signal?: AbortSignal, sizeHint?: number): Promise<string> {
  // Without a hint the size is asked: a restore's or a verify's check of 20k small files otherwise
  // took a fresh 1 MB buffer for each, and the collector most of the time.
  if ((sizeHint ?? statSync(path).size) < SMALL_FILE) {
    signal?.throwIfAborted();
    const fd = openSync(path, 'r');
    try {
      const h = createHash('md5');
      for (;;) {
        const n = readSync(fd, smallBuffer, 0, SMALL_FILE, null);
        if (n === 0) break;
        h.update(smallBuffer.subarray(0, n));
      }
      return h.digest('hex');
    } finally {
      closeSync(fd);
    }
  }
  const fh = await open(path, 'r');
  try {
    const h = createHash('md5');
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
    return h.digest('hex');
  } finally {
    await fh.close();
  }
}

/** The default hasher: MD5 of the file on disk, "lack" when it cannot be read. */
export const hashFromDisk =
  (signal?: AbortSignal): Hasher =>
  async (e) => {
    try {
      return { hash: await md5File(e.abs, signal, e.size) };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { vanished: true };
      if (code === 'EACCES' || code === 'EPERM') return { lack: 'not readable (permission denied)' };
      if (signal?.aborted) throw err;
      return { lack: `could not be read: ${(err as Error).message}` };
    }
  };

/** A batch stream read one item at a time without an await per item. */
class BatchCursor<T> {
  private batch: readonly T[] = [];
  private at = 0;
  done = false;
  constructor(private readonly it: AsyncIterator<readonly T[]> | null) {
    if (!it) this.done = true;
  }
  /** Makes sure an item is under the cursor (or done is set). Only awaits at a batch's end. */
  async fill(): Promise<void> {
    while (!this.done && this.at >= this.batch.length) {
      const r = await this.it!.next();
      if (r.done) this.done = true;
      else {
        this.batch = r.value;
        this.at = 0;
      }
    }
  }
  /** Whether an item is in hand without awaiting. */
  ready(): boolean {
    return this.at < this.batch.length;
  }
  get current(): T {
    return this.batch[this.at]!;
  }
  advance(): void {
    this.at++;
  }
}

/** Single items gathered into batches (for streams that come one at a time, such as a remote listing). */
export async function* batchesOf<T>(items: AsyncIterable<T>, size = 512): AsyncGenerator<T[]> {
  let out: T[] = [];
  for await (const x of items) {
    out.push(x);
    if (out.length >= size) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/**
 * Results gathered before the names among them are sent to getfattr (through the run's helper,
 * see XattrReader). Small, and at most one window waits for its answer while the next gathers:
 * results held longer than a young-generation collection or two are promoted, and holding 16k of
 * them (a child per window then cost ~35 ms) made the heap of a 1 %-changed run over a million
 * files swing by 150 MB. Measured at 300k files with 1 % changed, spread over the library (a
 * window with names in every one): 512 took 9.4 s at 151 MB, 1024 7.5 s at 154 MB, 2048 7.5 s at
 * 216 MB (a getfattr costs ~6 ms on that machine, mostly starting the process).
 */
const XATTR_WINDOW = 1024;
/** Windows sent to getfattr and not yet handed on. */
const WINDOWS_IN_FLIGHT = 1;

/** What a walked entry's extended attributes are known to be without reading: the fields to set on it. */
type KnownXattrs = { readonly xattrsToRead: undefined; readonly xattrs?: Readonly<Record<string, string>> };
const NO_XATTRS: KnownXattrs = { xattrsToRead: undefined };

/**
 * The extended attributes of walked entries that left them unread (WalkedEntry.xattrsToRead). The
 * base point's are taken where the ctime did not move (setxattr and setfacl move it, and nothing can
 * set it back), so a run that changed nothing starts no getfattr at all: `getfattr -R` over 100k
 * files was ~0.8 s of a 2 s no-change run. The rest are read by name: results are gathered in small
 * windows (XATTR_WINDOW), each window's names go to getfattr while the next one gathers, and
 * windows are handed on in order once their names are read. A whole source is read with one
 * `getfattr -R` where its base tells nothing (a first run, a new source, a base written before
 * records kept ctimes), the cheapest way to read every file's.
 *
 * A full run (`reprise run --full`) trusts ctimes too: it checks the destination against the
 * record, and the comparison of the source already trusts size and mtime for content, which anyone
 * can set back, where ctime cannot be.
 */
class XattrResolver {
  /** Whole-source dumps by source index, for sources read with -R. */
  private readonly trees = new Map<number, Promise<XattrMap | null>>();

  /**
   * `deferTo` (a first run, whose record is written again once the copy is done: completeContent):
   * nothing waits for the dumps; each source's is put there by its name in the record, and the
   * entries go on without attributes for completeContent to add.
   */
  constructor(private readonly deferTo?: Map<string, Promise<XattrMap | null>>) {}
  /** The window being gathered. */
  private gathering: DiffItem[][] = [];
  private gatheringItems = 0;
  /** Windows whose names are being read, oldest first. */
  private readonly inFlight: Array<{ readonly batches: DiffItem[][]; readonly settled: Promise<void> }> = [];
  /** Readers seen, closed when the comparison ends. */
  private readonly readers = new Set<NonNullable<WalkedEntry['xattrsToRead']>>();

  /** The entry's attributes when its base entry vouches for them; null when they must be read. */
  known(w: WalkedEntry, b: RecordEntry | null): KnownXattrs | null {
    if (w.rel === '' && !this.trees.has(w.source) && (!b || b.ctime === undefined)) {
      const dump = w.xattrsToRead!.tree(w.abs.toString());
      // Awaited in settle(); this only keeps a failure meanwhile from counting as unhandled.
      dump.catch(() => {});
      this.trees.set(w.source, dump);
      this.deferTo?.set(w.path, dump);
    }
    if (b === null || b.ctime === undefined || b.ctime !== w.ctime || b.type !== w.type) return null;
    return b.xattrs ? { xattrsToRead: undefined, xattrs: b.xattrs } : NO_XATTRS;
  }

  /**
   * Takes a batch of results (`end`: the last); gives back the batches ready to hand on, in order,
   * with every entry's attributes settled.
   */
  async take(out: DiffItem[], end: boolean): Promise<DiffItem[][]> {
    if (this.deferTo) return [out];
    let unread = false;
    for (const item of out) {
      const r = item.entry?.xattrsToRead;
      if (!r) continue;
      unread = true;
      this.readers.add(r);
    }
    if (!unread && this.gathering.length === 0 && this.inFlight.length === 0) return [out];
    this.gathering.push(out);
    this.gatheringItems += out.length;
    if (end || this.gatheringItems >= XATTR_WINDOW) {
      const batches = this.gathering;
      this.gathering = [];
      this.gatheringItems = 0;
      const settled = this.settle(batches);
      // Awaited in order below; this only keeps a failure meanwhile from counting as unhandled.
      settled.catch(() => {});
      this.inFlight.push({ batches, settled });
    }
    const ready: DiffItem[][] = [];
    while (this.inFlight.length > (end ? 0 : WINDOWS_IN_FLIGHT)) {
      const w = this.inFlight.shift()!;
      await w.settled;
      ready.push(...w.batches);
    }
    return ready;
  }

  /** Ends the readers' helpers (they answer what was asked first). */
  close(): void {
    for (const r of this.readers) r.close();
  }

  /** Reads what known() could not vouch for, by name, and decides those entries again. */
  private async settle(batches: DiffItem[][]): Promise<void> {
    let named: string[] | null = null;
    let reader: WalkedEntry['xattrsToRead'];
    let last = -1;
    for (const out of batches) {
      for (const item of out) {
        const e = item.entry;
        if (!e?.xattrsToRead) continue;
        reader = e.xattrsToRead;
        last = Math.max(last, e.source);
        if (!this.trees.has(e.source)) (named ??= []).push(bin(e.abs));
      }
    }
    if (!reader) return;
    const byName = named ? await reader.paths(named) : null;
    for (const out of batches) {
      for (let i = 0; i < out.length; i++) {
        const item = out[i]!;
        const e = item.entry;
        if (!e?.xattrsToRead) continue;
        const map = this.trees.has(e.source) ? await this.trees.get(e.source)! : byName;
        // Not in the dump: the entry has none (or getfattr is missing, and none are recorded as before).
        const x = map?.get(bin(e.abs));
        const entry: WalkedEntry = { ...e, xattrsToRead: undefined, ...(x ? { xattrs: x } : {}) };
        const b = item.before;
        out[i] = { ...item, entry, change: b && (item.change === 'same' || item.change === 'changed') ? (sameEntry(entry, b) ? 'same' : 'changed') : item.change };
      }
    }
    // Sources come in order: a dump is done with once a later source's entries appear.
    for (const k of this.trees.keys()) if (k < last) this.trees.set(k, Promise.resolve(null));
  }
}

/** Whether the base point's content can be taken for this file without reading it. */
function sameContentByStat(w: WalkedEntry, b: RecordEntry | null): boolean {
  return b !== null && b.type === 'f' && !b.lack && b.hash !== undefined && b.size === w.size && b.mtime === w.mtime;
}

/**
 * Compares the walk with the base tree; files whose content may have changed are hashed (up to
 * `concurrency` at a time), results come out in record order.
 */
export async function* diffTrees(walked: AsyncIterable<WalkedEntry>, base: AsyncIterable<RecordEntry> | null, hasher: Hasher, concurrency = 4): AsyncGenerator<DiffItem> {
  for await (const batch of diffTreeBatches(batchesOf(walked), base ? batchesOf(base) : null, hasher, concurrency)) yield* batch;
}

/** Results handed on at once (small: see WALK_BATCH). */
const DIFF_BATCH = 128;

/**
 * A new file (no earlier state) whose content is read later: it must be copied whatever its hash,
 * so a first run can hash while the copy runs (see completeContent) instead of before it.
 */
export type ReadLater = (entry: WalkedEntry) => boolean;

/**
 * diffTrees over batch streams, yielding batches: the two sorted streams are paired by path with
 * an await only where a batch ends or a file is being read. With `laterXattrs` (a first run, with
 * `later`), extended attributes are left unread too: each source's whole dump is put there, by the
 * source's name in the record, for completeContent. A first run's walk then never waits for
 * getfattr (it waited for the whole dump: ~2 s of a 9 s walk over 300k files).
 */
export async function* diffTreeBatches(walked: AsyncIterable<readonly WalkedEntry[]>, base: AsyncIterable<readonly RecordEntry[]> | null, hasher: Hasher, concurrency = 4, later?: ReadLater, laterXattrs?: Map<string, Promise<XattrMap | null>>): AsyncGenerator<DiffItem[]> {
  const window: Array<Promise<DiffItem | null>> = [];
  const xattrs = new XattrResolver(base === null && later ? laterXattrs : undefined);
  const deferred = (w: WalkedEntry, b: RecordEntry | null): boolean => b === null && later !== undefined && w.type === 'f' && !w.lack && later(w);
  /** decide() for an entry whose content need not be read (now). */
  const decideByStat = (w: WalkedEntry | null, b: RecordEntry | null, known: KnownXattrs | null): DiffItem => {
    if (!w) return { entry: null, before: b, change: 'deleted', content: false };
    // One copy of the walked entry for both the base's hash and its attributes.
    const entry: WalkedEntry = w.type === 'f' && !w.lack && b ? (known ? { ...w, hash: b.hash!, ...known } : { ...w, hash: b.hash! }) : known ? { ...w, ...known } : w;
    if (!b) return { entry, before: null, change: 'added', content: entry.type === 'f' && !entry.lack };
    return { entry, before: b, change: sameEntry(entry, b) ? 'same' : 'changed', content: false };
  };
  const decide = async (w: WalkedEntry | null, b: RecordEntry | null, known: KnownXattrs | null): Promise<DiffItem | null> => {
    if (!w) return { entry: null, before: b, change: 'deleted', content: false };
    // Deferred only without a base entry, so with no attributes known yet: the resolver reads them.
    if (deferred(w, b)) return { entry: w, before: null, change: 'added', content: true };
    let entry: WalkedEntry = known ? { ...w, ...known } : w;
    let content = false;
    if (w.type === 'f' && !w.lack) {
      if (!w.sqlite && sameContentByStat(w, b)) entry = { ...entry, hash: b!.hash! };
      else {
        const r = await hasher(w, b);
        if ('vanished' in r) return b ? { entry: null, before: b, change: 'deleted', content: false } : null;
        if ('lack' in r) entry = { ...entry, lack: r.lack };
        else {
          entry = { ...entry, hash: r.hash, ...(r.size !== undefined ? { size: r.size } : {}) };
          content = !(b && b.type === 'f' && !b.lack && b.hash === r.hash && b.size === entry.size);
        }
      }
    }
    if (!b) return { entry, before: null, change: 'added', content: entry.type === 'f' && !entry.lack };
    return { entry, before: b, change: sameEntry(entry, b) ? 'same' : 'changed', content };
  };
  const wc = new BatchCursor<WalkedEntry>(walked[Symbol.asyncIterator]());
  const bc = new BatchCursor<RecordEntry>(base ? base[Symbol.asyncIterator]() : null);
  // The getfattr helper ends with the comparison, also when it is abandoned or fails.
  try {
    let out: DiffItem[] = [];
    for (;;) {
      if (!wc.ready()) await wc.fill();
      if (!bc.ready()) await bc.fill();
      let w: WalkedEntry | null = null;
      let b: RecordEntry | null = null;
      if (wc.done && bc.done) break;
      if (wc.done) {
        b = bc.current;
        bc.advance();
      } else if (bc.done) {
        w = wc.current;
        wc.advance();
      } else {
        const c = comparePaths(wc.current.path, bc.current.path);
        if (c <= 0) {
          w = wc.current;
          wc.advance();
        }
        if (c >= 0) {
          b = bc.current;
          bc.advance();
        }
      }
      const known = w?.xattrsToRead ? xattrs.known(w, b) : null;
      // Most entries need no reading: decided at once, without a promise, when nothing waits before them.
      if (window.length === 0 && (!w || w.type !== 'f' || w.lack || (!w.sqlite && sameContentByStat(w, b)) || deferred(w, b))) {
        out.push(decideByStat(w, b, known));
      } else {
        const pending = decide(w, b, known);
        // Awaited in order below; this only keeps a later failure from counting as unhandled meanwhile.
        pending.catch(() => {});
        window.push(pending);
        if (window.length >= concurrency) {
          const item = await window.shift()!;
          if (item) out.push(item);
        }
      }
      if (out.length >= DIFF_BATCH) {
        for (const ready of await xattrs.take(out, false)) yield ready;
        out = [];
      }
    }
    while (window.length > 0) {
      const item = await window.shift()!;
      if (item) out.push(item);
    }
    for (const ready of await xattrs.take(out, true)) if (ready.length > 0) yield ready;
  } finally {
    xattrs.close();
  }
}
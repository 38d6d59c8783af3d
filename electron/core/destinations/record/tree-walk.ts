// Walks the job's source folders into record entries, in record order (depth first, each folder's
// names sorted by their bytes), streaming: a million-file library never sits in memory. Names are
// read as bytes, so nothing is lost to decoding. Symlinks are recorded, never followed.
import { SQLITE_NAME, SQLITE_SIDECARS, hasSqliteHeader } from '../sqlite-copy.js';
import { lstat, readlink, realpath } from 'node:fs/promises';
import { type BigIntStats, constants, lstatSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { type EntryType, type RecordEntry, bin, bytesOf, comparePaths, textOf } from './entry.js';
import { type SourceFilter, includeAll } from './source-filter.js';
import type { ChildRunner } from '../../process/child.js';
import { XattrReader } from './xattrs.js';
import { type Chunk, type FilterRules, type HandedFrame, Op, STAT_FIELDS, WalkThread } from './walk-thread.js';

/** A source folder of the job: the folder given, and the name it has in the backup. */
export interface WalkSource {
  /** Absolute path as the user gave it (text). */
  readonly path: string;
  /** Its name in the backup (binary string of the folder's base name). */
  readonly base: string;
}

/** A walked entry: a record entry plus what the run needs to know about the file on disk. */
export interface WalkedEntry extends RecordEntry {
  /** Absolute path on disk (bytes). */
  readonly abs: Buffer;
  /** Path relative to its source folder ('' for the folder itself), binary string. */
  readonly rel: string;
  /** Index of the source in the job's (sorted) source list. */
  readonly source: number;
  /** A SQLite database (by name and header): copied through the backup API, not byte for byte. */
  readonly sqlite?: boolean;
  /**
   * Set when extended attributes are recorded: the walk leaves them unread, and the comparison
   * (tree-diff) takes the base point's where the ctime is unchanged and reads the rest through this.
   */
  readonly xattrsToRead?: XattrReader;
  /** A folder's names as the walk listed them, sorted by their bytes (absent when it could not be listed). */
  readonly listed?: readonly Buffer[];
}

export interface WalkOptions {
  readonly sources: readonly WalkSource[];
  readonly filter?: SourceFilter;
  /** Record extended attributes (and ACLs): getfattr started through this runner, by the comparison (see WalkedEntry.xattrsToRead). Absent: none recorded. */
  readonly xattrs?: ChildRunner;
  readonly signal?: AbortSignal;
  /** Something the walk could not read, in plain words (the entry is recorded as lacking). */
  readonly onProblem?: (message: string) => void;
  /**
   * Entries walked on this thread before the rest goes to a worker thread (walk-thread.ts);
   * default THREAD_AFTER; Infinity: never. A filter without `rules` keeps the walk here.
   */
  readonly threadAfter?: number;
  /** Wait for the worker to start rather than walk on meanwhile (tests: a hand-over at a known place). */
  readonly waitForThread?: boolean;
  /**
   * Never hand over. A first run: its main thread hashes while rclone or rsync keep both cores
   * busy, so a second walking thread gained nothing measurable and added its memory (~15 MB).
   */
  readonly oneThread?: boolean;
}

/**
 * A walk hands over to its thread past this many entries: fewer are walked here in ~40 ms, less
 * than the ~100 ms a worker takes to start.
 */
export const THREAD_AFTER = 4096;

/**
 * REPRISE_WALK_THREAD_AFTER=N: hand over past N entries and wait for the thread to start (tests run
 * a whole run's walk through the thread with 0; also a knob for measuring).
 */
export const WALK_THREAD_ENV = 'REPRISE_WALK_THREAD_AFTER';

function threadSettings(o: WalkOptions): { after: number; wait: boolean } {
  if (o.oneThread) return { after: Infinity, wait: false };
  const env = process.env[WALK_THREAD_ENV];
  if (o.threadAfter === undefined && env !== undefined && /^\d+$/.test(env)) return { after: Number(env), wait: true };
  return { after: o.threadAfter ?? THREAD_AFTER, wait: o.waitForThread ?? false };
}

const STAT_BATCH = 64;
const SLASH = Buffer.from('/');

/** The sources in record order, with their backup names; throws for two sources with one name. */
export function orderSources(paths: readonly string[]): WalkSource[] {
  const out = paths.map((p) => ({ path: p, base: bin(Buffer.from(basename(p), 'utf8')) }));
  out.sort((a, b) => comparePaths(a.base, b.base));
  for (let i = 1; i < out.length; i++) if (out[i]!.base === out[i - 1]!.base) throw new Error(`Two sources share the folder name "${textOf(out[i]!.base)}"; rename one so each has its own place in the backup.`);
  return out;
}

/** What the walk reads of an lstat (BigIntStats has it; so has what the walk thread sends). */
interface StatFields {
  readonly mode: bigint;
  readonly uid: bigint;
  readonly gid: bigint;
  readonly size: bigint;
  readonly nlink: bigint;
  readonly dev: bigint;
  readonly ino: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

const S_IFMT = BigInt(constants.S_IFMT);
const S_IFREG = BigInt(constants.S_IFREG);
const S_IFDIR = BigInt(constants.S_IFDIR);
const S_IFLNK = BigInt(constants.S_IFLNK);

function typeOf(s: StatFields): EntryType {
  const fmt = s.mode & S_IFMT;
  if (fmt === S_IFREG) return 'f';
  if (fmt === S_IFDIR) return 'd';
  if (fmt === S_IFLNK) return 'l';
  return 'o';
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'not readable (permission denied)';
  if (code === 'ENOENT') return 'vanished while being read';
  return (e as Error).message;
}

/** Streams the entries of every source, in record order. */
export async function* walkSources(o: WalkOptions): AsyncGenerator<WalkedEntry> {
  for await (const batch of walkSourceBatches(o)) yield* batch;
}

/**
 * Entries handed on together: a step of an async stream costs more than most entries' own work.
 * Yet small: every stage of a run (walk, record merge, comparison) holds a batch, and entries that
 * outlive a young-generation collection are promoted. With 512 a run over a million files promoted
 * ~330 MB and its heap grew to 230 MB; with 128, 80 MB and 110 MB, in the same time.
 */
export const WALK_BATCH = 128;

/**
 * Streams the entries of every source in record order, a batch (up to WALK_BATCH) at a time: one
 * await per batch instead of one per entry and per stage of the pipeline behind it.
 */
export async function* walkSourceBatches(o: WalkOptions): AsyncGenerator<WalkedEntry[]> {
  const filter = o.filter ?? includeAll;
  const sources = [...o.sources].sort((a, b) => comparePaths(a.base, b.base));
  const xattrs = o.xattrs ? new XattrReader(o.xattrs, o.signal) : null;
  const thread = threadSettings(o);
  const shared: SharedState = { walked: 0, thread: null, threadAfter: thread.after, waitForThread: thread.wait, rules: filter === includeAll ? null : filter.rules };
  try {
    for (let index = 0; index < sources.length; index++) {
      const src = sources[index]!;
      // A source given as a link (~/Music -> /data/Music) is backed up as the folder it leads to.
      const real = await realpath(src.path);
      const hardlinks = new Map<string, string>();
      const rootStat = await lstat(real, { bigint: true });
      const root = entryOf(src.base, '', Buffer.from(real), rootStat, index, xattrs, hardlinks);
      yield* walkDir(root, { filter, xattrs, hardlinks, index, o, shared });
    }
  } finally {
    await shared.thread?.close();
  }
}

/** What the walks of one call share: the count that decides the hand-over, and the thread. */
interface SharedState {
  walked: number;
  thread: WalkThread | null;
  readonly threadAfter: number;
  readonly waitForThread: boolean;
  /** The filter as a thread can run it; undefined: it cannot, so the walk stays on this thread. */
  readonly rules: FilterRules | null | undefined;
}

interface WalkState {
  readonly filter: SourceFilter;
  readonly xattrs: XattrReader | null;
  readonly hardlinks: Map<string, string>;
  readonly index: number;
  readonly o: WalkOptions;
  readonly shared: SharedState;
}

function entryOf(path: string, rel: string, abs: Buffer, s: StatFields, source: number, xattrs: XattrReader | null, hardlinks: Map<string, string>, link?: string): WalkedEntry {
  const type = typeOf(s);
  let hardlink: string | undefined;
  if (type === 'f' && s.nlink > 1n) {
    const key = `${s.dev}:${s.ino}`;
    const first = hardlinks.get(key);
    if (first === undefined) hardlinks.set(key, path);
    else hardlink = first;
  }
  return {
    path,
    rel,
    abs,
    source,
    type,
    size: type === 'f' ? Number(s.size) : 0,
    mtime: s.mtimeNs.toString(),
    ctime: s.ctimeNs.toString(),
    mode: Number(s.mode & 0o7777n),
    uid: Number(s.uid),
    gid: Number(s.gid),
    ...(link !== undefined ? { link } : {}),
    ...(hardlink !== undefined ? { hardlink } : {}),
    ...(xattrs ? { xattrsToRead: xattrs } : {}),
  };
}

/** A folder being walked: its sorted names, the stat batch in hand, and its databases. */
interface Frame {
  readonly dir: WalkedEntry;
  readonly names: Buffer[];
  next: number;
  batch: Array<{ n: Buffer; abs: Buffer; s: BigIntStats | null }>;
  batchAt: number;
  readonly sidecars: Set<string>;
  readonly dbCandidates: Set<string>;
}

/** A listed folder: its entry to yield and the frame to walk it by. */
function listedDir(dir: WalkedEntry, names: Buffer[]): { entry: WalkedEntry; frame: Frame } {
  // Databases in this folder: their -wal/-shm/-journal files are not backed up on their own.
  const sidecars = new Set<string>();
  const dbCandidates = new Set<string>();
  for (const b of names) {
    const n = bin(b);
    if (SQLITE_NAME.test(n)) {
      dbCandidates.add(n);
      for (const s of SQLITE_SIDECARS) sidecars.add(n + s);
    }
  }
  return { entry: { ...dir, listed: names }, frame: { dir, names, next: 0, batch: [], batchAt: 0, sidecars, dbCandidates } };
}

/** A folder that could not be listed: recorded as lacking. */
function unlistableDir(dir: WalkedEntry, e: unknown, st: WalkState): WalkedEntry {
  const why = describe(e);
  st.o.onProblem?.(`${textOf(dir.path)}: folder ${why}`);
  return { ...dir, lack: `folder ${why}` };
}

/** Lists a folder: its entry to yield (lacking when unreadable) and the frame to walk it by. */
function openDir(dir: WalkedEntry, st: WalkState): { entry: WalkedEntry; frame: Frame | null } {
  st.o.signal?.throwIfAborted();
  let names: Buffer[];
  try {
    names = readdirSync(dir.abs, { encoding: 'buffer' });
  } catch (e) {
    return { entry: unlistableDir(dir, e, st), frame: null };
  }
  names.sort(Buffer.compare);
  return listedDir(dir, names);
}

/** lstat of the next few names of a folder. */
function statBatch(f: Frame, st: WalkState): void {
  const batch = f.names.slice(f.next, f.next + STAT_BATCH);
  f.next += batch.length;
  f.batchAt = 0;
  // Synchronous lstat in small batches: a promise per file costs several times the call itself
  // (measured: 1.8 s against 1.0 s for a no-change run over 20k files), and a batch blocks the
  // event loop for well under a millisecond.
  f.batch = batch.map((n) => {
    const abs = Buffer.concat([f.dir.abs, SLASH, n]);
    try {
      return { n, abs, s: lstatSync(abs, { bigint: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') st.o.onProblem?.(`${textOf(bin(abs))}: ${describe(e)}`);
      return { n, abs, s: null };
    }
  });
}

/**
 * The entry for a name of folder f (already stat'ed and past the filter); null when it is not
 * recorded. A promise only where a file must be read (a link, a database and its side files), so
 * the common case costs no await.
 */
function entryFor(f: Frame, n: Buffer, abs: Buffer, s: StatFields, st: WalkState): WalkedEntry | null | Promise<WalkedEntry | null> {
  const name = bin(n);
  const type = typeOf(s);
  if (type === 'l' || (type === 'f' && (f.dbCandidates.has(name) || f.sidecars.has(name)))) return slowEntryFor(f, name, abs, s, type, st);
  const rel = f.dir.rel === '' ? name : `${f.dir.rel}/${name}`;
  return entryOf(`${f.dir.path}/${name}`, rel, abs, s, st.index, st.xattrs, st.hardlinks);
}

async function slowEntryFor(f: Frame, name: string, abs: Buffer, s: StatFields, type: EntryType, st: WalkState): Promise<WalkedEntry | null> {
  const dir = f.dir;
  const rel = dir.rel === '' ? name : `${dir.rel}/${name}`;
  const path = `${dir.path}/${name}`;
  let link: string | undefined;
  if (type === 'l') {
    try {
      link = bin(await readlink(abs, { encoding: 'buffer' }));
    } catch (e) {
      st.o.onProblem?.(`${textOf(path)}: link ${describe(e)}`);
      return null;
    }
  }
  if (type === 'f' && f.sidecars.has(name)) {
    const db = name.slice(0, name.lastIndexOf('-'));
    if (f.dbCandidates.has(db) && (await hasSqliteHeader(Buffer.concat([dir.abs, SLASH, bytesOf(db)])))) return null;
  }
  const entry = entryOf(path, rel, abs, s, st.index, st.xattrs, st.hardlinks, link);
  if (type === 'f' && f.dbCandidates.has(name) && (await hasSqliteHeader(abs))) return { ...entry, sqlite: true };
  return entry;
}

/**
 * Whether to hand the rest of this source to the walk thread now (starting it once enough has been
 * walked here; until it runs, the walk goes on here unless told to wait).
 */
async function handOver(st: WalkState): Promise<boolean> {
  const sh = st.shared;
  sh.thread ??= new WalkThread();
  if (!sh.thread.ready && sh.waitForThread) await sh.thread.online;
  return sh.thread.ready;
}

/**
 * Walks a folder depth first with an explicit stack: one generator however deep the tree, where
 * a generator per folder made every entry pass through one await per level.
 */
async function* walkDir(root: WalkedEntry, st: WalkState): AsyncGenerator<WalkedEntry[]> {
  const opened = openDir(root, st);
  let out: WalkedEntry[] = [opened.entry];
  const stack: Frame[] = opened.frame ? [opened.frame] : [];
  while (stack.length > 0) {
    if (out.length >= WALK_BATCH) {
      yield out;
      out = [];
    }
    const f = stack[stack.length - 1]!;
    if (f.batchAt >= f.batch.length) {
      if (f.next >= f.names.length) stack.pop();
      else if (st.shared.rules !== undefined && st.shared.walked >= st.shared.threadAfter && (await handOver(st))) {
        yield* threaded(stack, out, st);
        return;
      } else statBatch(f, st);
      continue;
    }
    const { n, abs, s } = f.batch[f.batchAt++]!;
    if (!s) continue; // vanished between listing and stat: not part of this point
    st.shared.walked++;
    const isDir = s.isDirectory();
    if (st.filter !== includeAll) {
      const relText = textOf(f.dir.rel === '' ? bin(n) : `${f.dir.rel}/${bin(n)}`);
      if (isDir ? !st.filter.includeDir(relText) : !st.filter.includeFile(relText)) continue;
    }
    let entry = entryFor(f, n, abs, s, st);
    if (entry instanceof Promise) entry = await entry;
    if (entry === null) continue;
    if (isDir) {
      const sub = openDir(entry, st);
      out.push(sub.entry);
      if (sub.frame) stack.push(sub.frame);
    } else out.push(entry);
  }
  if (out.length > 0) yield out;
}

/**
 * The rest of a source from the walk thread: the folders on the stack, with the names still to
 * visit (names already stat'ed but not yet handled are stat'ed again there), then everything below.
 */
async function* threaded(stack: Frame[], pending: WalkedEntry[], st: WalkState): AsyncGenerator<WalkedEntry[]> {
  const thread = st.shared.thread!;
  const handed: HandedFrame[] = stack.map((f) => {
    const start = f.next - (f.batch.length - f.batchAt);
    return { abs: bin(f.dir.abs), rel: f.dir.rel, names: f.names.slice(start).map(bin), start };
  });
  thread.walk(handed, st.shared.rules ?? null);
  const frames = [...stack];
  let out = pending;
  let dir: WalkedEntry | null = null; // a folder sent, waiting for its listing
  for (;;) {
    const c: Chunk = await thread.next(st.o.signal);
    let stat = 0;
    let name = 0;
    let at = 0;
    let text = 0;
    for (let k = 0; k < c.count; k++) {
      const op = c.items[2 * k]!;
      const arg = c.items[2 * k + 1]!;
      if (op === Op.Entry) {
        const f = frames[frames.length - 1]!;
        const n = f.names[arg]!;
        const j = STAT_FIELDS * stat++;
        const s: StatFields = { mode: c.nums[j]!, uid: c.nums[j + 1]!, gid: c.nums[j + 2]!, size: c.nums[j + 3]!, nlink: c.nums[j + 4]!, dev: c.nums[j + 5]!, ino: c.nums[j + 6]!, mtimeNs: c.nums[j + 7]!, ctimeNs: c.nums[j + 8]! };
        st.shared.walked++;
        let entry = entryFor(f, n, Buffer.concat([f.dir.abs, SLASH, n]), s, st);
        if (entry instanceof Promise) entry = await entry;
        if (entry === null) continue; // never a folder: its listing would follow
        if (entry.type === 'd') dir = entry;
        else out.push(entry);
      } else if (op === Op.List) {
        const names: Buffer[] = new Array<Buffer>(arg);
        for (let i = 0; i < arg; i++) {
          const len = c.lens[name++]!;
          names[i] = Buffer.from(c.bytes.buffer, c.bytes.byteOffset + at, len);
          at += len;
        }
        const listed = listedDir(dir!, names);
        out.push(listed.entry);
        frames.push(listed.frame);
        dir = null;
      } else if (op === Op.Unlistable) {
        out.push(unlistableDir(dir!, { code: c.texts[text++], message: c.texts[text++] }, st));
        dir = null;
      } else if (op === Op.Pop) frames.pop();
      else if (op === Op.Problem) {
        const f = frames[frames.length - 1]!;
        const abs = Buffer.concat([f.dir.abs, SLASH, f.names[arg]!]);
        st.o.onProblem?.(`${textOf(bin(abs))}: ${describe({ code: c.texts[text++], message: c.texts[text++] })}`);
      } else if (op === Op.End) {
        if (out.length > 0) yield out;
        return;
      }
      if (out.length >= WALK_BATCH) {
        yield out;
        out = [];
      }
    }
  }
}

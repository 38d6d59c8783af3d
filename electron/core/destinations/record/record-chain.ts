// A point's tree is its entries file applied on top of its base point's tree, down to a full record:
// the chain. Reading it merges the chain's sorted files in one pass (newest wins per path, deletions
// drop the path), so memory stays flat whatever the size of the tree.
import { type RecordEntry, type RecordLine, RecordFormatError, comparePaths, isDeleted, isUnder } from './entry.js';
import { type OpenRecord, openRecordFile } from './record-file.js';
import type { PointSummary } from './point-summary.js';
import type { RecordIndex, RecordStorage } from './record-storage.js';

/** Reading records from one destination, with downloads kept for the session (remotes). */
export interface RecordReader {
  readonly storage: RecordStorage;
  readonly index: RecordIndex;
  /** Summaries by id, finals only (points and dropped points that later ones build on). */
  readonly byId: ReadonlyMap<string, PointSummary>;
  /** Restore points, oldest first: final summaries not dropped by retention (the kind may narrow this further). */
  readonly points: readonly PointSummary[];
  /** The summaries whose entries files build `id`'s tree, full record first. */
  chain(id: string): PointSummary[];
  /** Streams the tree of a point (optionally only what lies at or under `prefix`, a binary string). */
  tree(id: string, prefix?: string, signal?: AbortSignal): AsyncGenerator<RecordEntry>;
  /** The same, a batch at a time (large trees: one await per batch, not per entry). */
  treeBatches(id: string, prefix?: string, signal?: AbortSignal): AsyncGenerator<RecordEntry[]>;
  /** Removes downloaded copies. */
  close(): Promise<void>;
}

/** Opens the records of a destination for reading. */
export async function openRecords(storage: RecordStorage, signal?: AbortSignal): Promise<RecordReader> {
  const index = await storage.index(signal);
  return readerOver(storage, index);
}

/** A reader over an index already read. */
export function readerOver(storage: RecordStorage, index: RecordIndex): RecordReader {
  const byId = new Map(index.finals.map((s) => [s.id, s]));
  const fetched = new Map<string, Promise<{ file: string; release(): Promise<void> }>>();
  const fetchOnce = (name: string, signal?: AbortSignal) => {
    let f = fetched.get(name);
    if (!f) {
      f = storage.fetch(name, signal);
      fetched.set(name, f);
      f.catch(() => fetched.delete(name));
    }
    return f;
  };
  const chain = (id: string): PointSummary[] => {
    const out: PointSummary[] = [];
    const first = byId.get(id);
    if (!first) throw new RecordFormatError(`there is no record of ${id} in ${storage.where}`);
    let cur: PointSummary = first;
    for (;;) {
      out.push(cur);
      if (cur.record.kind === 'full') break;
      const base: string | null = cur.record.base;
      const next: PointSummary | undefined = base ? byId.get(base) : undefined;
      if (!next) throw new RecordFormatError(`the record of ${id} builds on ${base ?? 'nothing'}, whose record is missing from ${storage.where}`);
      if (out.length > 10_000) throw new RecordFormatError(`the record chain of ${id} loops`);
      cur = next;
    }
    return out.reverse();
  };
  async function* tree(id: string, prefix?: string, signal?: AbortSignal): AsyncGenerator<RecordEntry> {
    for await (const batch of treeBatches(id, prefix, signal)) yield* batch;
  }
  async function* treeBatches(id: string, prefix?: string, signal?: AbortSignal): AsyncGenerator<RecordEntry[]> {
    const links = chain(id);
    const opened: OpenRecord[] = [];
    try {
      for (const s of links) {
        const f = await fetchOnce(s.record.file, signal);
        const rec = await openRecordFile(f.file);
        if (rec.header.id !== s.id || rec.header.kind !== s.record.kind) {
          rec.close();
          throw new RecordFormatError(`${s.record.file} does not hold the ${s.record.kind} record of ${s.id}`);
        }
        opened.push(rec);
      }
      yield* mergeChainBatches(
        opened.map((r) => r.batches),
        prefix,
      );
    } finally {
      for (const r of opened) r.close();
    }
  }
  return {
    storage,
    index,
    byId,
    points: index.finals.filter((s) => !index.dropped.has(s.id)),
    chain,
    tree,
    treeBatches,
    async close() {
      const all = [...fetched.values()];
      fetched.clear();
      await Promise.all(all.map(async (p) => (await p.catch(() => null))?.release()));
    },
  };
}

/** Entries a merge hands on at once (small: see WALK_BATCH). */
const MERGE_BATCH = 128;

/** One stream of a merge: its current batch and the position in it. */
class Cursor {
  private batch: RecordLine[] = [];
  private at = 0;
  constructor(private readonly it: AsyncIterator<RecordLine[]>) {}
  /** The line under the cursor, or null at the end; loads the next batch when this one is used up. */
  async head(): Promise<RecordLine | null> {
    while (this.at >= this.batch.length) {
      const r = await this.it.next();
      if (r.done) return null;
      this.batch = r.value;
      this.at = 0;
    }
    return this.batch[this.at]!;
  }
  /** The line under the cursor without loading (null when the batch is used up). */
  peek(): RecordLine | null {
    return this.at < this.batch.length ? this.batch[this.at]! : null;
  }
  advance(): void {
    this.at++;
  }
}

/**
 * Merges sorted record streams given as batches, oldest first: per path the newest line wins;
 * deletions drop it. Yields batches.
 */
export async function* mergeChainBatches(streams: ReadonlyArray<AsyncIterator<RecordLine[]>>, prefix?: string): AsyncGenerator<RecordEntry[]> {
  const keep = (l: RecordLine): l is RecordEntry => !isDeleted(l) && (prefix === undefined || isUnder(l.path, prefix));
  if (streams.length === 1) {
    // A full record alone (the common case): its batches pass through.
    for (;;) {
      const r = await streams[0]!.next();
      if (r.done) return;
      const out = r.value.filter(keep);
      if (out.length > 0) yield out;
    }
  }
  const cursors = streams.map((s) => new Cursor(s));
  const heads: Array<RecordLine | null> = [];
  for (const c of cursors) heads.push(await c.head());
  let out: RecordEntry[] = [];
  for (;;) {
    let min: string | null = null;
    for (const h of heads) if (h && (min === null || comparePaths(h.path, min) < 0)) min = h.path;
    if (min === null) break;
    let winner: RecordLine | null = null;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && h.path === min) {
        winner = h;
        const c = cursors[i]!;
        c.advance();
        heads[i] = c.peek() ?? (await c.head());
      }
    }
    if (winner && keep(winner)) {
      out.push(winner);
      if (out.length >= MERGE_BATCH) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length > 0) yield out;
}

/** Merges sorted record streams, oldest first: per path the newest line wins; deletions drop it. */
export async function* mergeChain(streams: ReadonlyArray<AsyncIterator<RecordLine>>, prefix?: string): AsyncGenerator<RecordEntry> {
  const heads: Array<RecordLine | null> = [];
  for (const s of streams) {
    const r = await s.next();
    heads.push(r.done ? null : r.value);
  }
  for (;;) {
    let min: string | null = null;
    for (const h of heads) if (h && (min === null || comparePaths(h.path, min) < 0)) min = h.path;
    if (min === null) return;
    let winner: RecordLine | null = null;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h && h.path === min) {
        winner = h;
        const r = await streams[i]!.next();
        heads[i] = r.done ? null : r.value;
      }
    }
    if (winner && !isDeleted(winner) && (prefix === undefined || isUnder(winner.path, prefix))) yield winner;
  }
}

// The record side of a backup run, the same for every kind that keeps restore points: find the
// point to build on and the runs an earlier crash interrupted, build the new record while the
// sources are walked, store it as an intent before any data moves, and turn it into a point (or
// drop it) when the data has moved.
import { mkdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Job } from '../../../../shared/model.js';
import { copySqliteDatabase, databaseSignature } from '../sqlite-copy.js';
import { textOf } from './entry.js';
import { type BuiltRecord, type KnownHashes, amendRecord, buildRecord, completeContent } from './record-builder.js';
import { type RecordReader, readerOver } from './record-chain.js';
import { type PointOutcome, type PointSummary, intentName, summaryName } from './point-summary.js';
import { PointIndexBuilder, storePointIndex, writePointIndex } from './point-index.js';
import type { RecordIndex, RecordStorage } from './record-storage.js';
import { type DiffItem, type Hasher, hashFromDisk, md5File } from './tree-diff.js';
import type { WalkSource, WalkedEntry } from './tree-walk.js';

/** A database copied through SQLite's backup API for this run. */
export interface SqliteCopy {
  /** The consistent copy, in the run's work folder. */
  readonly file: string;
  readonly signature: string;
}

export interface PointRunOptions {
  readonly storage: RecordStorage;
  readonly kind: 'snapshot' | 'mirror';
  readonly job: Pick<Job, 'id' | 'name'>;
  readonly sources: readonly WalkSource[];
  readonly id: string;
  readonly startedAt: Date;
  /** A local folder for record files and database copies; the caller removes it. */
  readonly workDir: string;
  readonly repriseVersion: string;
  readonly signal?: AbortSignal;
  /** Which final summaries are restore points for this kind (a snapshot also needs its folder). */
  readonly isPoint?: (s: PointSummary) => Promise<boolean> | boolean;
  /** Reads the content of plain files (default: MD5 from disk; a remote source brings its own). */
  readonly hasher?: Hasher;
  /** The records' index, when the caller has just read it: on a remote, reading it again costs a listing and a download. */
  readonly index?: RecordIndex;
}

/** A run's record work, step by step. */
export interface PointRun {
  readonly reader: RecordReader;
  /** The point this run builds on: the newest point of any outcome. */
  readonly base: PointSummary | null;
  /** The newest point every file of which was stored (for the deletion guard). */
  readonly lastComplete: PointSummary | null;
  /** Runs an earlier crash left as intents. */
  readonly interrupted: readonly PointSummary[];
  /** Summaries that could not be read, in words. */
  readonly warnings: readonly string[];
  /**
   * Walks, compares and hashes; databases are copied consistently on the way. With `readLater`, a
   * first run (no point to build on) leaves the content of plain files of a local source unread:
   * they are all new and copied anyway, so completeContent can hash them while the copy runs.
   */
  build(walked: AsyncIterable<readonly WalkedEntry[]>, hooks: { onEntry?: (e: WalkedEntry) => void | Promise<void>; onChange?: (item: DiffItem) => void | Promise<void>; readLater?: boolean }): Promise<BuiltRecord>;
  /** The record with every file's content hash: the deferred files read now (see build). */
  completeContent(built: BuiltRecord, signal?: AbortSignal): Promise<BuiltRecord>;
  /**
   * completeContent started beside the copy: `done` is the completed record; `stop` ends the
   * reading (a run that failed or was stopped) and waits for it, so nothing reads on once the
   * run's work folder goes. It also stops with `signal`. `known` gives hashes the copy computed
   * (rsync's own sums): those files are not read again.
   */
  readContentBeside(built: BuiltRecord, signal: AbortSignal, known?: KnownHashes): { readonly done: Promise<BuiltRecord>; stop(): Promise<void> };
  /** Databases copied for this run, by record path. */
  readonly sqliteCopies: ReadonlyMap<string, SqliteCopy>;
  /** Every database of the new point: text path, signature of the state it holds, and its recorded mtime and mode. */
  sqliteRecords(): Array<{ path: string; signature: string; mtime: string; mode: number }>;
  /** Stores the record and the intent: from now on a later run or a restore sees this run. */
  writeIntent(built: BuiltRecord): Promise<void>;
  /** Makes the run a point: lacking entries patched in, the final summary written, the intent removed. */
  finish(built: BuiltRecord, o: FinishOptions): Promise<PointSummary>;
  /** Nothing changed: the intent and its record go, no point is made. */
  discard(): Promise<void>;
}

export interface FinishOptions {
  /** Entries the copy could not store, by record path, with why: marked as lacking in the record. */
  readonly lack: ReadonlyMap<string, string>;
  readonly outcome: PointOutcome;
  readonly transferred: { files: number; bytes: number; requests?: number };
  readonly warnings: readonly string[];
  /** Mirrors: how current/ was brought up to date. */
  readonly sync?: 'full' | 'top-up';
}

const byNewest = (list: readonly PointSummary[]): PointSummary[] => [...list].sort((a, b) => (a.id < b.id ? 1 : -1));

/** Opens the destination's records and prepares a run. */
export async function startPointRun(o: PointRunOptions): Promise<PointRun> {
  const index = o.index ?? (await o.storage.index(o.signal));
  const reader = readerOver(o.storage, index);
  const points: PointSummary[] = [];
  for (const s of reader.points) if (!o.isPoint || (await o.isPoint(s))) points.push(s);
  const base = byNewest(points)[0] ?? null;
  const lastComplete = byNewest(points).find((s) => s.outcome === 'ok' || s.outcome === 'warning') ?? null;
  const warnings = index.damaged.map((d) => `${d.name} in ${o.storage.where} cannot be read (${d.reason}); it is skipped`);
  const sqliteCopies = new Map<string, SqliteCopy>();
  const baseSqlite = new Map((base?.sqlite ?? []).map((r) => [r.path, r.signature]));
  const sqliteSeen = new Map<string, string>();
  const sqliteMeta = new Map<string, { mtime: string; mode: number }>();
  const plain = o.hasher ?? hashFromDisk(o.signal);
  const entriesName = `${o.id}.entries.gz`;
  let intentWritten = false;
  let storedFile: string | null = null;
  // The picker's index of the new tree, built from the entries the record builder streams past.
  let pointIndex: PointIndexBuilder | null = null;
  // Once the run will make a point (its intent is stored), the index is written to the work folder
  // and let go: at a million files it held ~80k albums, ~10 MB, all through the copy otherwise.
  let pointIndexFile: string | null = null;
  const writeIndex = async (): Promise<void> => {
    if (!pointIndex) return;
    const index = pointIndex;
    pointIndex = null;
    pointIndexFile = await writePointIndex(index, o.id, o.workDir, o.signal).catch(() => null);
  };

  const hasher: Hasher = async (e, b) => {
    if (!e.sqlite) return plain(e, b);
    const path = textOf(e.path);
    const signature = await databaseSignature(e.abs.toString());
    sqliteSeen.set(path, signature);
    sqliteMeta.set(path, { mtime: e.mtime, mode: e.mode });
    // Unchanged since the base point: its consistent copy stands.
    if (b && b.type === 'f' && !b.lack && b.hash && baseSqlite.get(path) === signature) return { hash: b.hash, size: b.size };
    const dir = join(o.workDir, 'sqlite');
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${sqliteCopies.size}.db`);
    try {
      await copySqliteDatabase(e.abs.toString(), file);
    } catch (err) {
      return { lack: `the database could not be copied consistently: ${(err as Error).message}` };
    }
    sqliteCopies.set(e.path, { file, signature });
    const { size } = await stat(file);
    return { hash: await md5File(file, o.signal), size };
  };

  const summaryOf = (built: BuiltRecord, state: 'intent' | 'final', extra: Partial<PointSummary>, file: string, lines: number): PointSummary => ({
    format: 'reprise-point',
    version: 1,
    id: o.id,
    state,
    destination: o.kind,
    job: { id: o.job.id, name: o.job.name },
    sources: o.sources.map((s) => ({ base: textOf(s.base), path: s.path })),
    startedAt: o.startedAt.toISOString(),
    finishedAt: null,
    outcome: null,
    record: { file, kind: built.kind, base: built.base, depth: built.depth, lines },
    totals: built.totals,
    changes: built.changes,
    lacking: built.lacking,
    transferred: { files: 0, bytes: 0 },
    warnings: [],
    interrupted: index.intents.map((s) => s.id),
    sqlite: [...sqliteSeen].map(([path, signature]) => ({ path, signature })),
    confirmations: [],
    reprise: o.repriseVersion,
    ...extra,
  });

  const complete = async (built: BuiltRecord, signal?: AbortSignal, known?: KnownHashes): Promise<BuiltRecord> => {
    if (built.pending === 0 && !built.xattrsLater) return built;
    const roots = new Map<string, Buffer>();
    for (const s of o.sources) roots.set(s.base, Buffer.from(await realpath(s.path)));
    return completeContent(built, join(o.workDir, `${o.id}.content.gz`), roots, signal ?? o.signal, known);
  };

  return {
    reader,
    base,
    lastComplete,
    interrupted: index.intents,
    warnings,
    sqliteCopies,
    sqliteRecords: () => [...sqliteSeen].map(([path, signature]) => ({ path, signature, ...sqliteMeta.get(path)! })),
    build: (walked, hooks) => {
      const index = (pointIndex = new PointIndexBuilder(o.sources.map((s) => textOf(s.base))));
      const onEntry = hooks.onEntry;
      return buildRecord({
        id: o.id,
        walked,
        onEntry: onEntry
          ? (e) => {
              index.add(e);
              return onEntry(e);
            }
          : (e) => index.add(e),
        base: base ? { reader, summary: base } : null,
        hasher,
        workDir: o.workDir,
        ...(hooks.onChange ? { onChange: hooks.onChange } : {}),
        // Databases are copied (and hashed) during the walk: their copy is what gets uploaded.
        ...(hooks.readLater && !base && !o.hasher ? { later: (e: WalkedEntry) => !e.sqlite } : {}),
        ...(o.signal ? { signal: o.signal } : {}),
      });
    },
    completeContent: (built, signal) => complete(built, signal),
    readContentBeside(built, signal, known) {
      const reading = new AbortController();
      const abort = (): void => reading.abort();
      signal.addEventListener('abort', abort, { once: true });
      const done = complete(built, reading.signal, known);
      done.catch(() => {}); // awaited by the caller; a copy that fails first must not leave it unhandled
      return {
        done,
        async stop() {
          reading.abort();
          signal.removeEventListener('abort', abort);
          await done.catch(() => {});
        },
      };
    },
    async writeIntent(built) {
      await o.storage.put(built.file, entriesName, o.signal);
      storedFile = built.file;
      await o.storage.putText(intentName(o.id), `${JSON.stringify(summaryOf(built, 'intent', {}, entriesName, built.lines))}\n`, o.signal);
      intentWritten = true;
      await writeIndex();
    },
    async finish(built, f) {
      // A point whose files have no content hash could never be verified: never made.
      if (built.pending > 0) throw new Error(`the record of ${o.id} still misses ${built.pending} content hashes`);
      if (built.xattrsLater) throw new Error(`the record of ${o.id} still misses its extended attributes`);
      // The record completed since the intent (content read during the copy) replaces the intent's.
      if (built.file !== storedFile) {
        await o.storage.put(built.file, entriesName, o.signal);
        storedFile = built.file;
      }
      let file = entriesName;
      let lines = built.lines;
      let lacking = built.lacking;
      if (f.lack.size > 0) {
        const amended = join(o.workDir, `${o.id}.amended.gz`);
        const r = await amendRecord(built.file, amended, f.lack);
        if (r.marked.size > 0) {
          lines = r.lines;
          file = `${o.id}.final.gz`;
          await o.storage.put(amended, file, o.signal);
          const added = [...r.marked].map((p) => `${textOf(p)}: ${f.lack.get(p)}`);
          lacking = { count: built.lacking.count + added.length, sample: [...built.lacking.sample, ...added].slice(0, 100) };
        }
      }
      // Before the summary, so the point is never seen without it. Only a shortcut for the picker
      // (the record says the same): a point whose index could not be stored is read from its record.
      await writeIndex();
      if (pointIndexFile) await storePointIndex(o.storage, o.id, pointIndexFile, o.signal).catch(() => {});
      const summary = summaryOf(built, 'final', { finishedAt: new Date().toISOString(), outcome: f.outcome, transferred: f.transferred, warnings: f.warnings.slice(-100), lacking, ...(f.sync ? { sync: f.sync } : {}) }, file, lines);
      await o.storage.putText(summaryName(o.id), `${JSON.stringify(summary)}\n`, o.signal);
      // The point stands from here on; what follows only tidies up.
      await o.storage.remove(intentName(o.id)).catch(() => {});
      if (file !== entriesName) await o.storage.remove(entriesName).catch(() => {});
      return summary;
    },
    async discard() {
      if (!intentWritten) return;
      await o.storage.remove(intentName(o.id));
      await o.storage.remove(entriesName);
    },
  };
}

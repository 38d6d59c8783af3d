// Where a destination keeps its records: the records/ folder beside the data, on a local disk (read
// and written with the file system, atomically) or on an rclone remote (read and written with rclone).
// Both answer the same questions, so the rest of the code never asks which one it has.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir } from '../../process/scratch.js';
import type { RcloneExec } from '../../rclone/rclone-exec.js';
import { folderTarget, joinTarget } from '../../../../shared/remotes/remote-path.js';
import { type PointSummary, RECORDS_DIR, parsePointSummary } from './point-summary.js';
import { type CachedSummary, type SummaryCache } from './summary-cache.js';
import { escapeGlob } from '../rclone-flags.js';

/** What a destination's records/ folder holds, read in one go. */
export interface RecordIndex {
  /** Final summaries (restore points unless dropped), oldest first. */
  readonly finals: readonly PointSummary[];
  /** Intents without a final summary: runs under way or interrupted. */
  readonly intents: readonly PointSummary[];
  /** Points retention removed whose records stay for later points. */
  readonly dropped: ReadonlySet<string>;
  /** Every file name in records/. */
  readonly names: readonly string[];
  /** Summary files that could not be read, with why (reported, never fatal). */
  readonly damaged: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

/** The records/ folder of one destination. */
export interface RecordStorage {
  /** Where the folder is, for messages. */
  readonly where: string;
  index(signal?: AbortSignal): Promise<RecordIndex>;
  /** A local file with the named file's bytes (downloaded from a remote); release() when done. */
  fetch(name: string, signal?: AbortSignal): Promise<{ readonly file: string; release(): Promise<void> }>;
  /** Stores a local file under `name`; a name is written once, so no reader ever sees it half done. */
  put(localFile: string, name: string, signal?: AbortSignal): Promise<void>;
  putText(name: string, text: string, signal?: AbortSignal): Promise<void>;
  remove(name: string, signal?: AbortSignal): Promise<void>;
}

const byId = (a: PointSummary, b: PointSummary): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Sorts summaries read from a folder into an index. */
function buildIndex(names: readonly string[], texts: ReadonlyMap<string, string>, unreadable: ReadonlyMap<string, string>): RecordIndex {
  const finals: PointSummary[] = [];
  const intents: PointSummary[] = [];
  const damaged: Array<{ name: string; reason: string }> = [...unreadable].map(([name, reason]) => ({ name, reason }));
  for (const [name, text] of texts) {
    const parsed = parsePointSummary(text);
    if (!parsed.ok) {
      damaged.push({ name, reason: parsed.reason });
      continue;
    }
    const s = parsed.value;
    const expected = s.state === 'final' ? `${s.id}.json` : `${s.id}.intent.json`;
    if (name !== expected) {
      damaged.push({ name, reason: `it describes ${s.id} (${s.state}), not its own name` });
      continue;
    }
    (s.state === 'final' ? finals : intents).push(s);
  }
  const finalIds = new Set(finals.map((s) => s.id));
  const dropped = new Set(names.filter((n) => n.endsWith('.dropped')).map((n) => n.slice(0, -'.dropped'.length)));
  return { finals: finals.sort(byId), intents: intents.filter((s) => !finalIds.has(s.id)).sort(byId), dropped, names: [...names].sort(), damaged };
}

const isSummaryName = (n: string): boolean => n.endsWith('.json');

/** Records on a local disk. */
export function localRecordStorage(destination: string): RecordStorage {
  const dir = join(destination, RECORDS_DIR);
  return {
    where: dir,
    async index() {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return buildIndex([], new Map(), new Map());
        throw e;
      }
      const texts = new Map<string, string>();
      const unreadable = new Map<string, string>();
      for (const n of names.filter(isSummaryName)) {
        try {
          texts.set(n, await readFile(join(dir, n), 'utf8'));
        } catch (e) {
          unreadable.set(n, (e as Error).message);
        }
      }
      return buildIndex(names, texts, unreadable);
    },
    async fetch(name) {
      return { file: join(dir, name), release: async () => {} };
    },
    async put(localFile, name) {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
      await copyFile(localFile, temp);
      await rename(temp, join(dir, name));
    },
    async putText(name, text) {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
      await writeFile(temp, text, { flush: true });
      await rename(temp, join(dir, name));
    },
    async remove(name) {
      await unlink(join(dir, name)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    },
  };
}

/** A step rclone could not do on the records folder. */
export class RecordStorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordStorageError';
  }
}

const NO_RETRY = ['--retries', '1', '--low-level-retries', '3'];

/** Records on an rclone remote (`REMOTE:PATH` target). */
export function remoteRecordStorage(exec: RcloneExec, target: string, cache?: SummaryCache): RecordStorage {
  const dir = joinTarget(target, RECORDS_DIR);
  const withTemp = async <T>(fn: (tempDir: string) => Promise<T>): Promise<T> => {
    const t = await scratchDir('record');
    try {
      return await fn(t);
    } finally {
      await rm(t, { recursive: true, force: true });
    }
  };
  const run = async (args: readonly string[], what: string, signal?: AbortSignal, okCodes: readonly number[] = [0]) => {
    const r = await exec({ args: [...NO_RETRY, ...args], ...(signal ? { signal } : {}) });
    if (r.cancelled) throw new RecordStorageError(`stopped while trying to ${what}`);
    if (r.exitCode === null || !okCodes.includes(r.exitCode)) throw new RecordStorageError(`could not ${what} in ${dir}: ${r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`}`);
    return r;
  };
  // Once records were found there (or written), the bucket exists: rclone need not ask for it (or
  // try to create it) before each upload, a request per file written on S3.
  let bucketKnown = false;
  // The names the folder held when last listed, and those written since: a name in neither is not
  // there, so rclone need not look for it first (--no-check-dest). One that may be there is looked
  // for: on a remote that allows two files of one name (Google Drive) it would be written twice.
  let listed: Set<string> | null = null;
  const written = new Set<string>();
  const write = async (file: string, name: string, signal?: AbortSignal): Promise<void> => {
    const absent = listed !== null && !listed.has(name) && !written.has(name);
    written.add(name); // from the first try: a write that failed may have left it there
    await run(['copyto', ...(absent ? ['--no-check-dest'] : []), ...(bucketKnown ? ['--s3-no-check-bucket'] : []), '--', file, joinTarget(dir, name)], `write ${name}`, signal);
    bucketKnown = true;
  };
  // The summaries kept from earlier reads and writes (see summary-cache.ts), as last saved.
  let kept: Map<string, CachedSummary> | null = null;
  const keep = async (change: (m: Map<string, CachedSummary>) => void): Promise<void> => {
    if (!cache) return;
    const m = kept ?? (await cache.load());
    change(m);
    kept = m;
    await cache.save(m);
  };
  return {
    where: dir,
    async index(signal) {
      // lsf exits 3 for a folder that does not exist yet: no records.
      const found = await run(['lsf', '--files-only', '--format', 'sp', '--separator', ';', '--', folderTarget(dir)], 'list the records', signal, [0, 3]);
      if (found.exitCode === 3) {
        listed = new Set();
        return buildIndex([], new Map(), new Map());
      }
      // Size and name ("12;a.json"): the size comes with the listing on every backend.
      const sizes = new Map<string, number>();
      for (const line of found.stdout.split('\n')) {
        const cut = line.indexOf(';');
        if (cut > 0) sizes.set(line.slice(cut + 1), Number(line.slice(0, cut)));
      }
      const names = [...sizes.keys()];
      listed = new Set(names);
      if (names.length > 0) bucketKnown = true;
      const summaries = names.filter(isSummaryName);
      const texts = new Map<string, string>();
      const unreadable = new Map<string, string>();
      // A summary kept from before is used while the listing shows it with the same size.
      const before = cache ? (kept ?? (await cache.load())) : new Map<string, CachedSummary>();
      const toRead = summaries.filter((n) => {
        const k = before.get(n);
        if (k && k.size === sizes.get(n)) texts.set(n, k.text);
        return !texts.has(n);
      });
      if (toRead.length > 0) {
        // One download for the summaries to read (rclone lists the folder once and fetches each).
        await withTemp(async (t) => {
          const local = join(t, 'summaries');
          let only = ['--include', '*.json'];
          if (toRead.length < summaries.length) {
            const rules = join(t, 'read.rules');
            await writeFile(rules, toRead.map((n) => `/${escapeGlob(n)}\n`).join(''));
            only = ['--include-from', rules];
          }
          await run(['copy', ...only, '--', folderTarget(dir), local], 'read the record summaries', signal);
          for (const n of toRead) {
            try {
              texts.set(n, await readFile(join(local, n), 'utf8'));
            } catch (e) {
              unreadable.set(n, (e as Error).message);
            }
          }
        });
      }
      const index = buildIndex(names, texts, unreadable);
      if (cache) {
        // What stands for next time: every summary read whole and understood; nothing the listing lacks.
        const damaged = new Set(index.damaged.map((d) => d.name));
        const next = new Map<string, CachedSummary>();
        for (const n of summaries) {
          const text = texts.get(n);
          if (text !== undefined && !damaged.has(n) && Buffer.byteLength(text) === sizes.get(n)) next.set(n, { size: sizes.get(n)!, text });
        }
        const same = next.size === before.size && [...next].every(([n, k]) => before.get(n)?.size === k.size);
        kept = next;
        if (!same) await cache.save(next);
      }
      return index;
    },
    async fetch(name, signal) {
      const t = await scratchDir('record');
      const file = join(t, name);
      try {
        await run(['copyto', '--', joinTarget(dir, name), file], `download ${name}`, signal);
      } catch (e) {
        await rm(t, { recursive: true, force: true });
        throw e;
      }
      return { file, release: () => rm(t, { recursive: true, force: true }) };
    },
    async put(localFile, name, signal) {
      await write(localFile, name, signal);
    },
    async putText(name, text, signal) {
      await withTemp(async (t) => {
        const file = join(t, name);
        await writeFile(file, text);
        await write(file, name, signal);
      });
      if (isSummaryName(name)) await keep((m) => m.set(name, { size: Buffer.byteLength(text), text }));
    },
    async remove(name, signal) {
      // deletefile exits 4 (not found) for a file another run already removed: that is done too.
      await run(['deletefile', '--', joinTarget(dir, name)], `delete ${name}`, signal, [0, 3, 4]);
      if (isSummaryName(name)) await keep((m) => m.delete(name));
    },
  };
}

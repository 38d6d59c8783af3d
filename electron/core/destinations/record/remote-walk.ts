// The record of a point whose sources are folders on rclone remotes: the same entries a local walk
// gives (record order, binary-string paths), built from `rclone lsjson -R` of each source with the
// job's excludes applied by rclone itself. A remote keeps no modes, owners or links, so files are
// 0644 and folders 0755, owned by whoever runs Reprise. Content identity (MD5) is asked only for
// files whose size or time differ from the point the run builds on: from the remote where it keeps
// MD5 (sftp, s3 …), else by reading the bytes (`md5sum --download`). A listing that fails is an
// error, never an empty source: the deletion guard must never see a dead server as deleted files.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RcloneExec } from '../../rclone/rclone-exec.js';
import { type LsjsonItem, parseLsjson, parseLsjsonStat, parseMd5sumLine } from '../../rclone/rclone-output.js';
import { PROBE_ARGS, unreachableWords } from '../../sources/remote-source.js';
import { rfc3339ToNs } from '../mirror/mirror-store.js';
import { type RecordEntry, binFromText, bytesOf, comparePaths, textOf } from './entry.js';
import type { Hasher } from './tree-diff.js';
import { fromRcloneName, toRcloneName } from '../../rclone/rclone-names.js';
import type { WalkSource, WalkedEntry } from './tree-walk.js';

/** A remote source that could not be listed: the run stops, nothing is changed. */
export class RemoteSourceError extends Error {
  constructor(
    readonly kind: 'source-missing' | 'source-unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'RemoteSourceError';
  }
}

export interface RemoteWalkOptions {
  readonly exec: RcloneExec;
  readonly sources: readonly WalkSource[];
  readonly excludes: readonly string[];
  /** The tree of the point the run builds on (files whose size and time match keep its hash). */
  readonly base: AsyncIterable<RecordEntry> | null;
  /** A local folder for file lists; the caller removes it. */
  readonly workDir: string;
  readonly signal?: AbortSignal;
  /** A file whose content could not be hashed, in plain words (the point lacks it). */
  readonly onProblem?: (message: string) => void;
}

const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

function owner(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

async function lsjson(exec: RcloneExec, source: string, args: readonly string[], signal?: AbortSignal): Promise<string> {
  const r = await exec({ args: [...PROBE_ARGS, 'lsjson', '--no-mimetype', '--no-unicode-normalization', ...args, '--', source], ...(signal ? { signal } : {}) });
  signal?.throwIfAborted();
  if (r.cancelled) throw new Error('stopped');
  const text = r.stderrTail.filter((l) => l.trim()).at(-1) ?? `rclone exit ${r.exitCode}`;
  if (r.exitCode === 3) throw new RemoteSourceError('source-missing', `The source folder ${source} does not exist on the remote. Nothing was changed.`);
  if (r.exitCode !== 0) throw new RemoteSourceError('source-unreachable', `${unreachableWords(source, text)} Nothing was changed.`);
  return r.stdout;
}

/** Lists every remote source into walked entries, record order, with the hashes the comparison needs. */
export async function walkRemoteSources(o: RemoteWalkOptions): Promise<WalkedEntry[]> {
  const { uid, gid } = owner();
  const sources = [...o.sources].sort((a, b) => comparePaths(a.base, b.base));
  const out: WalkedEntry[] = [];
  const excludes = o.excludes.map((e) => `--exclude=${e}`);
  for (let index = 0; index < sources.length; index++) {
    const src = sources[index]!;
    const rootText = await lsjson(o.exec, src.path, ['--stat'], o.signal);
    const root = parseLsjsonStat(rootText);
    if (!root.IsDir) throw new RemoteSourceError('source-missing', `The source ${src.path} is a file, not a folder. Nothing was changed.`);
    const items = parseLsjson(await lsjson(o.exec, src.path, ['-R', ...excludes], o.signal));
    // rclone lists a name by its words for it (a tab as U+2409): the record keeps the name itself.
    const entry = (listed: string, item: Pick<LsjsonItem, 'IsDir' | 'Size' | 'ModTime'>): WalkedEntry => {
      const rel = binFromText(fromRcloneName(listed));
      return {
        path: rel === '' ? src.base : `${src.base}/${rel}`,
        rel,
        abs: Buffer.concat([Buffer.from(src.path), listed === '' ? Buffer.alloc(0) : Buffer.from(`/${listed}`)]),
        source: index,
        type: item.IsDir ? 'd' : 'f',
        size: item.IsDir ? 0 : Math.max(0, item.Size),
        mtime: rfc3339ToNs(item.ModTime) ?? '0',
        mode: item.IsDir ? DIR_MODE : FILE_MODE,
        uid,
        gid,
      };
    };
    const list = [entry('', root), ...items.map((i) => entry(i.Path, i))];
    list.sort((a, b) => comparePaths(a.path, b.path));
    out.push(...folderTimes(list));
  }
  await hashWhatChanged(o, sources, out);
  return out;
}

/**
 * Gives each folder the time of the newest thing in it. Remotes keep no real folder times (WebDAV and
 * S3 answer "now" for some folders), and a time that moves on every listing would make every run a
 * change; this one moves only when the content does, and a restored folder gets a meaningful time.
 */
function folderTimes(list: WalkedEntry[]): WalkedEntry[] {
  const newest = new Map<string, bigint>();
  // Deepest first: a folder's children are all seen before it (record order, reversed).
  for (let i = list.length - 1; i >= 0; i--) {
    const e = list[i]!;
    const own = e.type === 'd' ? (newest.get(e.path) ?? 0n) : BigInt(e.mtime);
    if (e.type === 'd') list[i] = { ...e, mtime: own.toString() };
    const slash = e.path.lastIndexOf('/');
    if (slash < 0) continue;
    const parent = e.path.slice(0, slash);
    if (own > (newest.get(parent) ?? 0n)) newest.set(parent, own);
  }
  return list;
}

/** Fills in the MD5 of the files the base point does not vouch for (size and time unchanged). */
async function hashWhatChanged(o: RemoteWalkOptions, sources: readonly WalkSource[], entries: WalkedEntry[]): Promise<void> {
  const known = new Map<string, RecordEntry>();
  try {
    if (o.base) for await (const e of o.base) if (e.type === 'f' && !e.lack && e.hash) known.set(e.path, e);
  } catch (e) {
    // A damaged base record: what was read stands, the rest is hashed again (the builder says so).
    if (o.signal?.aborted) throw e;
  }
  const need = new Map<number, WalkedEntry[]>();
  const needed = new Set<string>();
  for (const e of entries) {
    if (e.type !== 'f') continue;
    const b = known.get(e.path);
    if (b && b.size === e.size && b.mtime === e.mtime) continue;
    const list = need.get(e.source) ?? [];
    list.push(e);
    need.set(e.source, list);
    needed.add(e.path);
  }
  const hashes = new Map<string, string>();
  for (const [index, files] of need) {
    const src = sources[index]!;
    const byRel = new Map(files.map((f) => [f.rel, f]));
    // The remote's own MD5 first (no bytes move); what it cannot give is read and hashed.
    for (const download of [false, true]) {
      const wanted = [...byRel.keys()].filter((rel) => !hashes.has(`${index}\0${rel}`));
      if (wanted.length === 0) break;
      const list = join(o.workDir, `hash-${index}-${download ? 'download' : 'remote'}`);
      await writeFile(list, Buffer.concat(wanted.flatMap((r) => [bytesOf(toRcloneName(r)), Buffer.from('\n')])));
      const r = await o.exec({ args: [...PROBE_ARGS, 'md5sum', ...(download ? ['--download'] : []), '--files-from-raw', list, '--', src.path], ...(o.signal ? { signal: o.signal } : {}) });
      o.signal?.throwIfAborted();
      await rm(list, { force: true });
      for (const line of r.stdout.split('\n')) {
        const m = parseMd5sumLine(line);
        const rel = m ? binFromText(fromRcloneName(m.path)) : null;
        if (m && rel !== null && byRel.has(rel)) hashes.set(`${index}\0${rel}`, m.md5);
      }
    }
  }
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.type !== 'f' || !needed.has(e.path)) continue;
    const h = hashes.get(`${e.source}\0${e.rel}`);
    if (h) entries[i] = { ...e, hash: h };
    else {
      o.onProblem?.(`${textOf(e.path)}: its content could not be read from the remote`);
      entries[i] = { ...e, lack: 'could not be read from the remote source' };
    }
  }
}

/** The hasher of a remote walk: the hash was fetched with the listing. */
export const listedHasher: Hasher = async (e) => (e.hash ? { hash: e.hash } : { lack: e.lack ?? 'could not be read from the remote source' });

/** Streams a listed walk (for the record builder). */
export async function* streamEntries(entries: readonly WalkedEntry[]): AsyncGenerator<WalkedEntry> {
  yield* entries;
}

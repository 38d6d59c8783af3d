// The data side of a versioned mirror: current/<source>/… holds the present state, versions/<run>/…
// what run <run> replaced or deleted (rclone --backup-dir). On a local disk it is read and written
// with the file system (names byte for byte), on a remote with rclone. Either way a stored object is
// found by its record path.
import { copyFile, lstat, mkdir, readdir, rm, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir } from '../../process/scratch.js';
import type { RcloneExec } from '../../rclone/rclone-exec.js';
import { parseBackendFeatures, parseLsjson, parseLsjsonStat, parseMd5sumLine } from '../../rclone/rclone-output.js';
import { folderTarget, joinTarget } from '../../../../shared/remotes/remote-path.js';
import { eachLimit } from '../each-limit.js';
import { parseSnapshotId } from '../point-ids.js';
import { bin, binFromText, bytesOf, textOf } from '../record/entry.js';
import { md5File } from '../record/tree-diff.js';
import { toRcloneName } from '../../rclone/rclone-names.js';

export const MIRROR_CURRENT = 'current';
export const MIRROR_VERSIONS = 'versions';

/** A layer: the present state, or one run's version folder. */
export type Layer = 'current' | `versions/${string}`;

/** An object as stored. */
export interface StoredObject {
  readonly size: number;
  /** Nanoseconds, or null where the remote keeps no modification times. */
  readonly mtime: string | null;
}

/** What the destination can compare files by. */
export interface StoreFeatures {
  /** Modification times are kept (to this precision, ns); false for remotes such as plain WebDAV. */
  readonly modtimes: boolean;
  /** Hash types the remote knows cheaply. */
  readonly hashes: readonly string[];
  /** The remote lists a whole tree in pages (S3, B2, GCS…): a full run lists with --fast-list, a request per 1000 objects instead of one per folder. */
  readonly listR?: boolean;
}

export interface MirrorStore {
  readonly target: string;
  readonly local: boolean;
  /** The key a record path has in this store's listings (a remote names odd bytes U+FFFD). */
  key(path: string): string;
  features(signal?: AbortSignal): Promise<StoreFeatures>;
  /** Version folders (run ids), oldest first; folders that are not run ids are ignored. */
  layers(signal?: AbortSignal): Promise<string[]>;
  /** Files in a layer at or under a record path (all of it for null): record path → object. */
  list(layer: Layer, prefix: string | null, signal?: AbortSignal): Promise<Map<string, StoredObject>>;
  /** Copies objects of one layer into `stage` at their record paths; returns the ones that arrived. */
  fetch(layer: Layer, paths: readonly string[], stage: Buffer, signal?: AbortSignal, onFile?: (bytes: number) => void): Promise<Set<string>>;
  /** Deletes objects of a layer (retention), named by their keys as list() gives them. */
  remove(layer: Layer, keys: readonly string[], signal?: AbortSignal): Promise<void>;
  /** Deletes a whole version folder. */
  purge(layer: Layer, signal?: AbortSignal): Promise<void>;
  /** MD5 of objects, reading their bytes; keyed by record path. */
  md5(layer: Layer, paths: readonly string[], signal?: AbortSignal): Promise<Map<string, string>>;
}

/** A step the store could not do, in words. */
export class MirrorStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MirrorStoreError';
  }
}

const NS_PER_MS = 1_000_000n;

/** A mirror on a local disk. */
export function localMirrorStore(target: string): MirrorStore {
  const abs = (layer: Layer, path: string | null): Buffer => Buffer.concat([Buffer.from(`${target}/${layer}`), path ? Buffer.concat([Buffer.from('/'), bytesOf(path)]) : Buffer.alloc(0)]);
  return {
    target,
    local: true,
    key: (path) => path,
    async features() {
      return { modtimes: true, hashes: ['md5'] };
    },
    async layers() {
      try {
        return (await readdir(join(target, MIRROR_VERSIONS))).filter((n) => parseSnapshotId(n)).sort();
      } catch {
        return [];
      }
    },
    async list(layer, prefix) {
      const out = new Map<string, StoredObject>();
      const file = async (path: Buffer, rec: string): Promise<void> => {
        const s = await lstat(path, { bigint: true }).catch(() => null);
        if (s?.isFile()) out.set(rec, { size: Number(s.size), mtime: s.mtimeNs.toString() });
      };
      // A folder's files are looked at a few at once (each-limit.ts), its sub-folders one after another.
      const folder = async (dir: Buffer, rec: string): Promise<void> => {
        let entries;
        try {
          entries = await readdir(dir, { encoding: 'buffer', withFileTypes: true });
        } catch {
          return;
        }
        const sub: Array<[Buffer, string]> = [];
        const files: Array<[Buffer, string]> = [];
        for (const d of entries) {
          const path = Buffer.concat([dir, Buffer.from('/'), d.name]);
          const r = rec === '' ? bin(d.name) : `${rec}/${bin(d.name)}`;
          if (d.isDirectory()) sub.push([path, r]);
          else if (d.isFile()) files.push([path, r]);
        }
        await eachLimit(files, 16, ([path, r]) => file(path, r));
        for (const [path, r] of sub) await folder(path, r);
      };
      if (!prefix) await folder(abs(layer, null), '');
      else {
        const top = abs(layer, prefix);
        const s = await lstat(top).catch(() => null);
        if (s?.isDirectory()) await folder(top, prefix);
        else if (s?.isFile()) await file(top, prefix);
      }
      return out;
    },
    async fetch(layer, paths, stage, signal, onFile) {
      const got = new Set<string>();
      // A few files at once (each-limit.ts); folders are made once each.
      const made = new Set<string>();
      await eachLimit(paths, 8, async (p) => {
        signal?.throwIfAborted();
        const to = Buffer.concat([stage, Buffer.from('/'), bytesOf(p)]);
        const dir = to.subarray(0, to.lastIndexOf(0x2f));
        const key = dir.toString('latin1');
        if (!made.has(key)) {
          await mkdir(dir, { recursive: true });
          made.add(key);
        }
        try {
          await copyFile(abs(layer, p), to);
          got.add(p);
          onFile?.((await lstat(to)).size);
        } catch {
          // named as missing by the caller
        }
      });
      return got;
    },
    async remove(layer, paths) {
      for (const p of paths) await unlink(abs(layer, p)).catch(() => {});
      // Folders left empty go too, deepest first.
      const dirs = new Set<string>();
      for (const p of paths) for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) dirs.add(p.slice(0, i));
      for (const d of [...dirs].sort((a, b) => b.length - a.length)) await rmdir(abs(layer, d)).catch(() => {});
    },
    async purge(layer) {
      await rm(abs(layer, null), { recursive: true, force: true });
    },
    async md5(layer, paths, signal) {
      const out = new Map<string, string>();
      for (const p of paths) {
        try {
          out.set(p, await md5File(abs(layer, p), signal));
        } catch {
          // unreadable: no hash, the caller reports it
        }
      }
      return out;
    },
  };
}

const NO_RETRY = ['--retries', '1', '--low-level-retries', '3'];

/** RFC 3339 with up to nanoseconds → ns since the epoch. */
export function rfc3339ToNs(text: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return (BigInt(ms) * NS_PER_MS + frac).toString();
}

/** A mirror on an rclone remote. */
export function remoteMirrorStore(exec: RcloneExec, target: string): MirrorStore {
  let features: StoreFeatures | null = null;
  const at = (layer: Layer, path: string | null): string => (path ? joinTarget(target, layer, textOf(toRcloneName(path))) : joinTarget(target, layer));
  // How the remote's listings name a record path: as rclone names the local file it was copied from.
  const key = (path: string): string => binFromText(textOf(toRcloneName(path)));
  const run = async (args: readonly string[], what: string, signal?: AbortSignal, okCodes: readonly number[] = [0]) => {
    const r = await exec({ args: [...NO_RETRY, ...args], ...(signal ? { signal } : {}) });
    if (r.cancelled) throw new MirrorStoreError(`stopped while trying to ${what}`);
    if (r.exitCode === null || !okCodes.includes(r.exitCode)) throw new MirrorStoreError(`could not ${what}: ${r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`}`);
    return r;
  };
  /** A --files-from-raw list of record paths (binary strings), written as rclone names them; of keys, as they are. */
  const withList = async <T>(paths: readonly string[], fn: (file: string) => Promise<T>, named: (p: string) => string = toRcloneName): Promise<T> => {
    const dir = await scratchDir('list');
    try {
      const file = join(dir, 'files');
      await writeFile(file, Buffer.concat(paths.flatMap((p) => [bytesOf(named(p)), Buffer.from('\n')])));
      return await fn(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return {
    target,
    local: false,
    key,
    async features(signal) {
      if (features) return features;
      const r = await run(['backend', 'features', '--', folderTarget(target)], 'ask the remote what it supports', signal);
      features = parseBackendFeatures(r.stdout);
      return features;
    },
    async layers(signal) {
      const r = await run(['lsf', '--dirs-only', '--', folderTarget(joinTarget(target, MIRROR_VERSIONS))], 'list the version folders', signal, [0, 3]);
      if (r.exitCode === 3) return [];
      return r.stdout
        .split('\n')
        .map((l) => l.replace(/\/$/, ''))
        .filter((n) => parseSnapshotId(n))
        .sort();
    },
    async list(layer, prefix, signal) {
      const out = new Map<string, StoredObject>();
      const modtimes = (await this.features(signal)).modtimes;
      // A single file: lsjson --stat; a folder: its whole tree.
      if (prefix) {
        const st = await run(['lsjson', '--stat', '--no-mimetype', '--', at(layer, prefix)], `look at ${textOf(prefix)}`, signal, [0, 3, 4]);
        if (st.exitCode !== 0) return out;
        const item = parseLsjsonStat(st.stdout);
        if (!item.IsDir) {
          out.set(key(prefix), { size: item.Size, mtime: modtimes ? rfc3339ToNs(item.ModTime) : null });
          return out;
        }
      }
      const r = await run(['lsjson', '-R', '--files-only', '--no-mimetype', '--no-unicode-normalization', '--', at(layer, prefix)], `list ${layer}`, signal, [0, 3]);
      if (r.exitCode === 3) return out;
      for (const item of parseLsjson(r.stdout)) {
        const rel = binFromText(item.Path);
        out.set(prefix ? `${key(prefix)}/${rel}` : rel, { size: item.Size, mtime: modtimes ? rfc3339ToNs(item.ModTime) : null });
      }
      return out;
    },
    async fetch(layer, paths, stage, signal, onFile) {
      const got = new Set<string>();
      if (paths.length === 0) return got;
      // The list carries the names' bytes as they are: rclone maps a name that is not UTF-8 the same
      // way on the way back as on the way up, and writes it locally byte for byte.
      await withList(paths, async (list) => {
        await run(['copy', '--no-unicode-normalization', '--no-traverse', '--files-from-raw', list, '--', joinTarget(target, layer), stage.toString()], `download from ${layer}`, signal, [0, 1, 3, 4, 6]);
      });
      for (const p of paths) {
        try {
          const s = await lstat(Buffer.concat([stage, Buffer.from('/'), bytesOf(p)]));
          if (!s.isFile()) continue;
          got.add(p);
          onFile?.(s.size);
        } catch {
          // not there: the caller names it
        }
      }
      return got;
    },
    async remove(layer, paths, signal) {
      if (paths.length === 0) return;
      await withList(paths, (list) => run(['delete', '--no-unicode-normalization', '--files-from-raw', list, '--', joinTarget(target, layer)], `delete old versions in ${layer}`, signal, [0, 3]), (k) => k);
    },
    async purge(layer, signal) {
      await run(['purge', '--', joinTarget(target, layer)], `remove ${layer}`, signal, [0, 3]);
    },
    async md5(layer, paths, signal) {
      const out = new Map<string, string>();
      if (paths.length === 0) return out;
      const byKey = new Map(paths.map((p) => [key(p), p]));
      const r = await withList(paths, (list) => run(['md5sum', '--download', '--no-unicode-normalization', '--files-from-raw', list, '--', joinTarget(target, layer)], `read the files of ${layer}`, signal, [0, 1, 3, 4]));
      for (const line of r.stdout.split('\n')) {
        const m = parseMd5sumLine(line);
        const p = m ? byKey.get(binFromText(m.path)) : undefined;
        if (m && p) out.set(p, m.md5);
      }
      return out;
    },
  };
}

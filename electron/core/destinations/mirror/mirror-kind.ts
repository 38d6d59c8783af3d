// The mirror kind behind the destination interface: its restore points (the records), where a
// point's bytes are (the first version folder after the point holding the file, else current/), and
// verification of the newest point against its record.
import type { Destination, Job } from '../../../../shared/model.js';
import type { VerifyDestination } from '../../../../shared/restore.js';
import { execFor } from '../rclone-flags.js';
import type { DestinationKindImpl, KindEnv, OpenedDestination } from '../kind.js';
import { type RecordEntry, comparePaths, isUnder, textOf } from '../record/entry.js';
import { openRecords } from '../record/record-chain.js';
import { compareWithRecord, type HeldEntry } from '../record/tree-compare.js';
import type { ByteFetcher } from '../restore/restore-tree.js';
import { backupMirror, mirrorParts } from './mirror-backup.js';
import { type Layer, type MirrorStore, type StoredObject } from './mirror-store.js';

/** The deepest folder all paths lie in (binary string), or null when they share none. */
export function commonFolder(paths: readonly string[]): string | null {
  if (paths.length === 0) return null;
  let prefix = paths[0]!.includes('/') ? paths[0]!.slice(0, paths[0]!.lastIndexOf('/')) : '';
  for (const p of paths) while (prefix !== '' && !isUnder(p, prefix)) prefix = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
  return prefix === '' ? null : prefix;
}

/** Where each file of a point is stored: the first layer after the point holding it with its size, else current/. */
export async function locate(store: MirrorStore, pointId: string, files: readonly RecordEntry[], signal?: AbortSignal): Promise<{ found: Map<string, Layer>; listings: Map<Layer, Map<string, StoredObject>> }> {
  const prefix = commonFolder(files.map((f) => f.path));
  const after = (await store.layers(signal)).filter((id) => id > pointId);
  const order: Layer[] = [...after.map((id) => `versions/${id}` as Layer), 'current'];
  const listings = new Map<Layer, Map<string, StoredObject>>();
  for (const layer of order) listings.set(layer, await store.list(layer, prefix, signal));
  const found = new Map<string, Layer>();
  for (const f of files) {
    for (const layer of order) {
      const o = listings.get(layer)!.get(store.key(f.path));
      if (!o) continue;
      // The first layer holding the path is the one: its object is the state the point had. A size
      // that does not match means that object is not this point's (left by a failed attempt): look on.
      if (o.size === f.size) {
        found.set(f.path, layer);
        break;
      }
    }
  }
  return { found, listings };
}

/** Appends to the list kept under `key` (copying the list for each path made a restore of 20k files quadratic: 35 s, most of it the garbage collector). */
function pushTo<K, V>(lists: Map<K, V[]>, key: K, value: V): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

function mirrorBytes(store: MirrorStore, pointId: string): ByteFetcher {
  return {
    async fetch(files, stage, signal, onProgress) {
      const staged = new Map<string, Buffer>();
      const missing = new Map<string, string>();
      if (files.length === 0) return { staged, missing };
      const { found, listings } = await locate(store, pointId, files, signal);
      const byLayer = new Map<Layer, string[]>();
      for (const f of files) {
        const layer = found.get(f.path);
        if (!layer) {
          const other = [...listings.values()].map((l) => l.get(store.key(f.path))).find(Boolean);
          missing.set(f.path, other ? `the mirror holds it with ${other.size} bytes, the record says ${f.size}` : 'it is missing from the mirror');
          continue;
        }
        pushTo(byLayer, layer, f.path);
      }
      let done = 0;
      let bytes = 0;
      for (const [layer, paths] of byLayer) {
        const got = await store.fetch(layer, paths, stage, signal, (b) => {
          done++;
          bytes += b;
          onProgress(done, bytes);
        });
        for (const p of paths) {
          if (got.has(p)) staged.set(p, Buffer.concat([stage, Buffer.from('/'), Buffer.from(p, 'latin1')]));
          else missing.set(p, `could not be downloaded from ${layer}`);
        }
      }
      return { staged, missing };
    },
  };
}

async function openMirrorDestination(dest: Destination, env: KindEnv, signal?: AbortSignal): Promise<OpenedDestination> {
  const exec = execFor(env.rclone);
  const { store, storage } = mirrorParts(dest.target, env.rclone, exec);
  const reader = await openRecords(storage, signal);
  const points = reader.points.map((s, i) => ({ summary: s, latest: i === reader.points.length - 1, newBytes: s.transferred.bytes }));
  return {
    reader,
    points,
    warnings: reader.index.damaged.map((d) => `${d.name} cannot be read (${d.reason}); it is skipped`),
    bytes: (pointId) => mirrorBytes(store, pointId),
    close: () => reader.close(),
  };
}

async function verifyMirror(_job: Job, dest: Destination, env: KindEnv, options: { readonly deep: boolean; readonly signal?: AbortSignal }): Promise<VerifyDestination> {
  const exec = execFor(env.rclone);
  const { store } = mirrorParts(dest.target, env.rclone, exec);
  const opened = await openMirrorDestination(dest, env, options.signal);
  try {
    const newest = opened.points.at(-1);
    if (!newest) return { destId: dest.id, kind: dest.kind, target: dest.target, pointId: null, ok: false, differences: 0, sample: [], error: 'There is no restore point to verify yet.' };
    const id = newest.summary.id;
    const files: RecordEntry[] = [];
    for await (const e of opened.reader.tree(id, undefined, options.signal)) if (e.type === 'f' && !e.lack) files.push(e);
    const features = await store.features(options.signal);
    const { found, listings } = await locate(store, id, files, options.signal);
    // Deep: every stored copy read back and hashed, one rclone call per layer.
    const hashes = new Map<string, string>();
    if (options.deep) {
      const byLayer = new Map<Layer, string[]>();
      for (const f of files) {
        const layer = found.get(f.path);
        if (layer) pushTo(byLayer, layer, f.path);
      }
      for (const [layer, paths] of byLayer) for (const [p, h] of await store.md5(layer, paths, options.signal)) hashes.set(p, h);
    }
    // What the mirror holds for each recorded file, in record order, as found the way a restore finds it.
    async function* held(): AsyncGenerator<HeldEntry> {
      for (const f of files) {
        const layer = found.get(f.path);
        const o = layer ? listings.get(layer)!.get(store.key(f.path)) : [...listings.values()].map((l) => l.get(store.key(f.path))).find(Boolean);
        if (!o) continue;
        yield { path: f.path, type: 'f', size: o.size, mtime: layer === 'current' && features.modtimes ? o.mtime : null, ...(options.deep ? { hash: async () => hashes.get(f.path) ?? 'unreadable' } : {}) };
      }
    }
    async function* recorded(): AsyncGenerator<RecordEntry> {
      yield* files;
    }
    const r = await compareWithRecord(recorded(), held(), {
      deep: options.deep,
      keeps: { modes: false, owners: false, links: false, dirs: false, mtimes: features.modtimes ? 'seconds' : 'none' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // Files in current/ the point does not list. After a partial run rclone leaves deleted files in
    // place (it deletes nothing after an error), so only a complete point is held to this.
    const recordedPaths = new Set(files.map((f) => store.key(f.path)));
    const extra = newest.summary.outcome === 'partial' ? [] : [...(listings.get('current')?.keys() ?? [])].filter((p) => !recordedPaths.has(p) && !isSqliteSidecar(p)).sort(comparePaths);
    const sample = [...r.sample, ...extra.slice(0, Math.max(0, 50 - r.sample.length)).map((p) => `+ ${textOf(p)}`)];
    const differences = r.differences + extra.length;
    return { destId: dest.id, kind: dest.kind, target: dest.target, pointId: id, ok: differences === 0, differences, sample, error: null, checked: r.checked, deep: options.deep };
  } finally {
    await opened.close();
  }
}

function isSqliteSidecar(path: string): boolean {
  return /\.(db|sqlite|sqlite3|db3)-(wal|shm|journal)$/i.test(path);
}

/** The mirror kind. */
export const mirrorKind: DestinationKindImpl = {
  backup: backupMirror,
  open: openMirrorDestination,
  verify: verifyMirror,
};

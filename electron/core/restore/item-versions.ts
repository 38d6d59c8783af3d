// The versions of one item (an album, an artist) across the snapshots of a destination, newest
// first, with what differs from the next older version. Unchanged files are hard links, so
// comparing inode numbers tells "same file" without reading any bytes.
import { lstat } from 'node:fs/promises';
import { listSnapshots } from '../snapshots/snapshot-list.js';
import { listLocalTree } from './music-index.js';
import { resolveInsideRoot, splitBackupPath } from './safe-path.js';

/** One version of an item. */
export interface ItemVersion {
  readonly snapshotId: string;
  readonly time: string;
  readonly complete: boolean;
  readonly files: number;
  readonly bytes: number;
  /** Compared with the next older version that has the item; null for the oldest. */
  readonly changes: { readonly added: number; readonly removed: number; readonly changed: number } | null;
  /** Times later runs confirmed this snapshot unchanged. */
  readonly confirmedThrough: string | null;
}

/** Lists the versions of `rel` in every snapshot of a destination that holds it, newest first. */
export async function snapshotItemVersions(destination: string, rel: string): Promise<ItemVersion[]> {
  const segments = splitBackupPath(rel);
  const found: Array<{ v: Omit<ItemVersion, 'changes'>; files: Map<string, string> }> = [];
  for (const snap of await listSnapshots(destination)) {
    let root: string;
    try {
      root = await resolveInsideRoot(snap.path, segments);
    } catch {
      continue; // not in this snapshot (or refused as unsafe)
    }
    const files = new Map<string, string>();
    let bytes = 0;
    const info = await lstat(root);
    // One listing per snapshot, its stats included: a whole-library item is 100k files per snapshot.
    const entries = info.isDirectory() ? await listLocalTree(root) : [{ path: '', size: info.size, isDir: false, ino: info.ino, mtimeMs: info.mtimeMs }];
    for (const e of entries) {
      if (e.isDir) continue;
      files.set(e.path, `${e.ino}:${e.size}:${e.mtimeMs}`);
      bytes += e.size;
    }
    found.push({
      v: {
        snapshotId: snap.id,
        time: snap.manifest.startedAt,
        complete: snap.complete,
        files: files.size,
        bytes,
        confirmedThrough: snap.manifest.confirmations.at(-1) ?? null,
      },
      files,
    });
  }
  const out: ItemVersion[] = found.map((cur, i) => {
    const older = found[i - 1];
    if (!older) return { ...cur.v, changes: null };
    let added = 0;
    let changed = 0;
    for (const [p, sig] of cur.files) {
      const before = older.files.get(p);
      if (before === undefined) added++;
      else if (before !== sig) changed++;
    }
    let removed = 0;
    for (const p of older.files.keys()) if (!cur.files.has(p)) removed++;
    return { ...cur.v, changes: { added, removed, changed } };
  });
  return out.reverse();
}

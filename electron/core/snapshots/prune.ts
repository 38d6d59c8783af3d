// Deleting a snapshot means unlinking every entry of a hard-link tree, which is slow for 100k
// files, so it reports progress. The folder is first renamed out of the snapshot namespace, so a
// half-deleted snapshot is never listed or restored from; the next run finishes the job.
import { opendir, rename, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotError } from './snapshot-errors.js';
import { listSnapshots, newestComplete, readLatest } from './snapshot-list.js';
import { DELETING_PREFIX } from './snapshot-names.js';

/** Progress of a prune: which snapshot, and entries removed so far against the manifest's count. */
export interface PruneProgress {
  readonly snapshotId: string;
  readonly index: number;
  readonly count: number;
  readonly entriesRemoved: number;
  readonly entriesExpected: number;
}

/** Removes the given snapshots from a destination; the newest complete one and `latest`'s target are refused. */
export async function pruneSnapshots(
  destination: string,
  ids: readonly string[],
  options: { readonly protectedIds?: ReadonlySet<string>; readonly onProgress?: (p: PruneProgress) => void } = {},
): Promise<string[]> {
  const snapshots = await listSnapshots(destination);
  const byId = new Map(snapshots.map((s) => [s.id, s]));
  const guard = new Set<string>(options.protectedIds ?? []);
  const newest = newestComplete(snapshots);
  if (newest) guard.add(newest.id);
  const latest = await readLatest(destination);
  if (latest) guard.add(latest);
  const removed: string[] = [];
  for (const [index, id] of ids.entries()) {
    if (guard.has(id)) throw new SnapshotError('protected-snapshot', `Snapshot ${id} is the newest good one or in use; it is never pruned.`);
    const snap = byId.get(id);
    if (!snap) continue;
    const doomed = join(destination, `${DELETING_PREFIX}${id}`);
    await rename(snap.path, doomed);
    let entriesRemoved = 0;
    const expected = snap.manifest.files;
    const report = (): void =>
      options.onProgress?.({ snapshotId: id, index, count: ids.length, entriesRemoved, entriesExpected: expected });
    await removeTree(doomed, () => {
      entriesRemoved++;
      if (entriesRemoved % 500 === 0) report();
    });
    report();
    removed.push(id);
  }
  return removed;
}

/** Depth-first delete that calls `onFile` for every non-directory entry it unlinks. */
export async function removeTree(dir: string, onFile: () => void): Promise<void> {
  const handle = await opendir(dir, { bufferSize: 256 });
  const subdirs: string[] = [];
  for await (const entry of handle) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) subdirs.push(full);
    else {
      await unlink(full);
      onFile();
    }
  }
  for (const sub of subdirs) await removeTree(sub, onFile);
  await rmdir(dir);
}

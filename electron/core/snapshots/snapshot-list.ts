// Reads the restore points of a snapshot destination from the destination alone.
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type SnapshotManifest, isComplete, readManifest } from './manifest.js';
import { LATEST_NAME, compareSnapshotIds, parseSnapshotId } from './snapshot-names.js';

/** One snapshot found in a destination. */
export interface SnapshotEntry {
  readonly id: string;
  readonly path: string;
  readonly time: Date;
  readonly manifest: SnapshotManifest;
  readonly complete: boolean;
}

/** Lists the snapshots of a destination, oldest first; folders without a manifest are not snapshots. */
export async function listSnapshots(destination: string): Promise<SnapshotEntry[]> {
  const entries = await readdir(destination, { withFileTypes: true });
  const out: SnapshotEntry[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const time = parseSnapshotId(entry.name);
    if (!time) continue;
    const path = join(destination, entry.name);
    const manifest = await readManifest(path);
    if (!manifest || manifest.id !== entry.name) continue;
    out.push({ id: entry.name, path, time, manifest, complete: isComplete(manifest.outcome) });
  }
  return out.sort((a, b) => compareSnapshotIds(a.id, b.id));
}

/** The newest snapshot that `latest` and `--link-dest` may point at. */
export function newestComplete(snapshots: readonly SnapshotEntry[]): SnapshotEntry | undefined {
  for (let i = snapshots.length - 1; i >= 0; i--) if (snapshots[i]!.complete) return snapshots[i];
  return undefined;
}

/** Where `latest` points now (a snapshot id), or undefined. */
export async function readLatest(destination: string): Promise<string | undefined> {
  try {
    return await readlink(join(destination, LATEST_NAME));
  } catch {
    return undefined;
  }
}

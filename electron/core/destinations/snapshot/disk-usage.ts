// Real vs apparent size of a snapshot destination. Apparent: what the files add up to. Real: the
// blocks on disk, counting each hard-linked inode once — the second snapshot of an unchanged
// library costs next to nothing.
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { openRecords } from '../record/record-chain.js';
import { localRecordStorage } from '../record/record-storage.js';
import { snapshotFolderExists } from './snapshot-layout.js';

/** Sizes of one snapshot. */
export interface SnapshotUsage {
  readonly id: string;
  readonly files: number;
  readonly apparentBytes: number;
  /** Disk blocks of inodes that no older snapshot shares: what keeping this snapshot costs. */
  readonly newBytes: number;
}

/** Sizes of every snapshot plus the destination's totals. */
export interface DestinationUsage {
  readonly snapshots: readonly SnapshotUsage[];
  readonly apparentBytes: number;
  readonly realBytes: number;
}

/** Walks every snapshot of a destination (oldest first) and measures real vs apparent size. */
export async function measureDestination(destination: string): Promise<DestinationUsage> {
  const seen = new Set<string>();
  const out: SnapshotUsage[] = [];
  let apparentTotal = 0;
  let realTotal = 0;
  const reader = await openRecords(localRecordStorage(destination));
  const ids: string[] = [];
  for (const s of reader.points) if (await snapshotFolderExists(destination, s.id)) ids.push(s.id);
  await reader.close();
  for (const id of ids) {
    let files = 0;
    let apparent = 0;
    let fresh = 0;
    const stack = [join(destination, id)];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      for await (const entry of await opendir(dir, { bufferSize: 256 })) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          stack.push(full);
          continue;
        }
        if (!entry.isFile()) continue;
        const s = await lstat(full, { bigint: false });
        files++;
        apparent += s.size;
        const key = `${s.dev}:${s.ino}`;
        if (!seen.has(key)) {
          seen.add(key);
          fresh += s.blocks * 512;
        }
      }
    }
    out.push({ id, files, apparentBytes: apparent, newBytes: fresh });
    apparentTotal += apparent;
    realTotal += fresh;
  }
  return { snapshots: out, apparentBytes: apparentTotal, realBytes: realTotal };
}

// Retention for a snapshot destination: the points the policy drops are marked dropped in the
// records first (so nothing lists or restores them any more), their folders renamed out of the
// snapshot namespace and deleted, then record files no kept point builds on are removed.
import { readdir, rename, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DestinationContext } from '../../runs/destination-runner.js';
import type { RetentionPolicy } from '../../../../shared/model.js';
import { type RecordReader, openRecords } from '../record/record-chain.js';
import { collectRecords, markDropped, planRetention } from '../record/record-retention.js';
import { type RecordStorage, localRecordStorage } from '../record/record-storage.js';
import { DELETING_PREFIX, snapshotFolderExists } from './snapshot-layout.js';

/** Applies the job's retention policy to a snapshot destination. */
export async function pruneSnapshotPoints(ctx: DestinationContext, destination: string): Promise<void> {
  const policy = ctx.job.retention;
  if (!policy) return;
  const storage = localRecordStorage(destination);
  const reader = await openRecords(storage);
  try {
    await prune(ctx, destination, storage, reader, policy);
  } catch (e) {
    // The backup itself is done: a prune that fails halfway leaves every kept point whole.
    ctx.log(`# retention: ${(e as Error).message}; every kept point is intact and the next run tries again`);
  } finally {
    await reader.close();
  }
}

async function prune(ctx: DestinationContext, destination: string, storage: RecordStorage, reader: RecordReader, policy: RetentionPolicy): Promise<void> {
  const points = [];
  for (const s of reader.points) if (await snapshotFolderExists(destination, s.id)) points.push(s);
  const plan = await planRetention(reader, points, policy, { inUse: ctx.pointsInUse(ctx.dest.target), utcOffsetMinutes: -new Date(ctx.now()).getTimezoneOffset(), signal: ctx.signal });
  for (const h of plan.held) ctx.log(`# retention: keeping ${h.id}: ${h.why}`);
  if (plan.remove.length > 0) {
    ctx.log(`# retention: pruning ${plan.remove.length} snapshot(s): ${plan.remove.join(', ')}`);
    await markDropped(storage, plan.remove);
    for (const [index, id] of plan.remove.entries()) {
      const doomed = join(destination, `${DELETING_PREFIX}${id}`);
      await rename(join(destination, id), doomed);
      let removed = 0;
      await removeTree(doomed, () => {
        removed++;
        if (removed % 5000 === 0) ctx.log(`# pruning ${id} (${index + 1}/${plan.remove.length}): ${removed} entries removed`);
      });
    }
  }
  const gone = await collectRecords(storage, reader, plan.keep);
  if (gone.length > 0) ctx.log(`# retention: removed the records of ${gone.length} point(s) no kept point builds on`);
}

/** Depth-first delete that reports every non-folder entry it unlinks (a hard-link tree is slow to delete). Names are handled as bytes. */
export async function removeTree(dir: string | Buffer, onFile: () => void): Promise<void> {
  const base = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const subdirs: Buffer[] = [];
  for (const entry of await readdir(base, { withFileTypes: true, encoding: 'buffer' })) {
    const full = Buffer.concat([base, Buffer.from('/'), entry.name]);
    if (entry.isDirectory()) subdirs.push(full);
    else {
      await unlink(full);
      onFile();
    }
  }
  for (const sub of subdirs) await removeTree(sub, onFile);
  await rmdir(base);
}

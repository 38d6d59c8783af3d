// Retention for a versioned mirror. A point k finds a file's bytes in the first version folder after
// k that holds the file (that run moved away exactly the state k had), else in current/. So an
// object versions/L/P is needed only while some kept point lies between the previous folder holding
// P and L. Removing a point therefore never moves anything: it marks the point dropped in the
// records, then deletes the objects no kept point needs, then the records no kept point builds on.
// Interrupted at any step, every kept point still finds all of its bytes.
import type { DestinationContext } from '../../runs/destination-runner.js';
import { openRecords, readerOver } from '../record/record-chain.js';
import { collectRecords, markDropped, planRetention } from '../record/record-retention.js';
import type { RecordIndex, RecordStorage } from '../record/record-storage.js';
import type { Layer, MirrorStore } from './mirror-store.js';

/** Objects of each version folder that no kept point needs. Pure. */
export function unneededObjects(layers: ReadonlyArray<{ readonly id: string; readonly paths: Iterable<string> }>, kept: readonly string[]): Map<string, string[]> {
  const sortedKept = [...kept].sort();
  const ordered = [...layers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const previous = new Map<string, string>(); // path → the latest layer seen so far that holds it
  const out = new Map<string, string[]>();
  for (const layer of ordered) {
    const drop: string[] = [];
    for (const p of layer.paths) {
      const prev = previous.get(p) ?? '';
      // The first kept point after prev; needed when it comes before this layer.
      const k = sortedKept.find((id) => id > prev);
      if (k === undefined || k >= layer.id) drop.push(p);
      previous.set(p, layer.id);
    }
    out.set(layer.id, drop);
  }
  return out;
}

/**
 * Applies the job's retention to a mirror. Failures are logged: the backup itself is done. `index`:
 * the records as the run read them, when it wrote none since (on a remote, reading them again
 * costs a listing and a download).
 */
export async function pruneMirror(ctx: DestinationContext, store: MirrorStore, storage: RecordStorage, index?: RecordIndex): Promise<void> {
  const policy = ctx.job.retention;
  if (!policy) return;
  try {
    const reader = index ? readerOver(storage, index) : await openRecords(storage, ctx.signal);
    try {
      const plan = await planRetention(reader, reader.points, policy, { inUse: ctx.pointsInUse(ctx.dest.target), utcOffsetMinutes: -new Date(ctx.now()).getTimezoneOffset(), signal: ctx.signal });
      for (const h of plan.held) ctx.log(`# retention: keeping ${h.id}: ${h.why}`);
      if (plan.remove.length === 0) return;
      ctx.log(`# retention: removing ${plan.remove.length} restore point(s): ${plan.remove.join(', ')}`);
      await markDropped(storage, plan.remove, ctx.signal);
      const layers = [];
      for (const id of await store.layers(ctx.signal)) layers.push({ id, paths: [...(await store.list(`versions/${id}` as Layer, null, ctx.signal)).keys()] });
      const unneeded = unneededObjects(layers, plan.keep);
      let objects = 0;
      for (const layer of layers) {
        const drop = unneeded.get(layer.id) ?? [];
        if (drop.length === 0) continue;
        if (drop.length === layer.paths.length) await store.purge(`versions/${layer.id}`, ctx.signal);
        else await store.remove(`versions/${layer.id}`, drop, ctx.signal);
        objects += drop.length;
      }
      const gone = await collectRecords(storage, reader, plan.keep, ctx.signal);
      ctx.log(`# retention: removed ${plan.remove.length} point(s), ${objects} old version(s) no kept point needs, ${gone.length} record(s)`);
    } finally {
      await reader.close();
    }
  } catch (e) {
    ctx.log(`# retention: ${(e as Error).message}; every kept point is intact and the next run tries again`);
  }
}

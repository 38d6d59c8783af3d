// Which restore points retention keeps, and which record files they still need. Shared by every
// kind: the policy is the same (selectRetention), and so is the rule that the newest point, the
// newest complete point, points in use and the newest point holding a file that newer points lack
// are never removed.
import { type RetentionPolicy, selectRetention } from '../retention.js';
import { parseSnapshotId } from '../point-ids.js';
import type { PointSummary } from './point-summary.js';
import { droppedName, summaryName } from './point-summary.js';
import type { RecordReader } from './record-chain.js';
import type { RecordStorage } from './record-storage.js';
import { pointIndexName } from './point-index.js';

export interface RetentionPlan {
  readonly keep: readonly string[];
  readonly remove: readonly string[];
  /** Why a point the policy drops is kept anyway. */
  readonly held: ReadonlyArray<{ readonly id: string; readonly why: string }>;
}

const isComplete = (s: PointSummary): boolean => s.outcome === 'ok' || s.outcome === 'warning';

/**
 * Decides which points go. `points` are this destination's restore points, oldest first.
 * Reads the newest point's record when it lacks files, to keep the newest point that holds them.
 */
export async function planRetention(
  reader: RecordReader,
  points: readonly PointSummary[],
  policy: RetentionPolicy,
  options: { readonly inUse: ReadonlySet<string>; readonly utcOffsetMinutes: number; readonly signal?: AbortSignal },
): Promise<RetentionPlan> {
  if (points.length === 0) return { keep: [], remove: [], held: [] };
  const held = new Map<string, string>();
  const newest = points.at(-1)!;
  held.set(newest.id, 'the newest point');
  const newestComplete = [...points].reverse().find(isComplete);
  if (newestComplete) held.set(newestComplete.id, 'the newest complete point');
  for (const id of options.inUse) if (points.some((p) => p.id === id)) held.set(id, 'being restored from');
  if (newest.lacking.count > 0) {
    // Files the newest point lacks: the newest older point that holds each stays.
    const lacking = new Set<string>();
    for await (const e of reader.tree(newest.id, undefined, options.signal)) if (e.lack && e.type !== 'd') lacking.add(e.path);
    for (const p of [...points].reverse().slice(1)) {
      if (lacking.size === 0) break;
      let holds = false;
      for await (const e of reader.tree(p.id, undefined, options.signal)) {
        if (lacking.has(e.path) && !e.lack) {
          lacking.delete(e.path);
          holds = true;
        }
      }
      if (holds && !held.has(p.id)) held.set(p.id, 'holds the newest copy of a file later points lack');
    }
  }
  const candidates = points.map((s) => ({ id: s.id, time: parseSnapshotId(s.id) ?? new Date(s.startedAt), complete: isComplete(s) }));
  const selection = selectRetention(candidates, policy, { protectedIds: new Set(held.keys()), utcOffsetMinutes: options.utcOffsetMinutes });
  const keep = selection.keep.map((k) => k.id);
  const policyKeeps = new Set(selectRetention(candidates, policy, { utcOffsetMinutes: options.utcOffsetMinutes }).keep.map((k) => k.id));
  return {
    keep,
    remove: [...selection.remove],
    held: keep.filter((id) => !policyKeeps.has(id) && held.has(id)).map((id) => ({ id, why: held.get(id)! })),
  };
}

/** Record ids the kept points' chains need (as far as a damaged chain can be followed). */
export function neededRecords(reader: RecordReader, keep: readonly string[]): Set<string> {
  const needed = new Set<string>();
  for (const id of keep) {
    for (let cur = reader.byId.get(id); cur && !needed.has(cur.id); cur = cur.record.base ? reader.byId.get(cur.record.base) : undefined) {
      needed.add(cur.id);
      if (cur.record.kind === 'full') break;
    }
  }
  return needed;
}

/**
 * Marks removed points as dropped (so no listing shows them any more), then deletes every record
 * file no kept point needs. Call with the points already marked before their data goes.
 */
export async function markDropped(storage: RecordStorage, ids: readonly string[], signal?: AbortSignal): Promise<void> {
  for (const id of ids) await storage.putText(droppedName(id), '', signal);
}

/** Deletes the record files (summaries, entries, picker indexes, markers) of finals no kept point builds on. */
export async function collectRecords(storage: RecordStorage, reader: RecordReader, keep: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const needed = neededRecords(reader, keep);
  const removed: string[] = [];
  const names = new Set(reader.index.names);
  // Points made before picker indexes existed have none: no removal asked for (one rclone call each on a remote).
  const removeIndex = async (id: string): Promise<void> => {
    if (names.has(pointIndexName(id))) await storage.remove(pointIndexName(id), signal);
  };
  const kept = new Set(keep);
  for (const s of reader.index.finals) {
    // A point not kept is never browsed again, even while later points still build on its record.
    if (needed.has(s.id) && !kept.has(s.id)) await removeIndex(s.id);
    if (needed.has(s.id)) continue;
    // The summary first: without it the entries file is an orphan nobody reads.
    await storage.remove(summaryName(s.id), signal);
    await storage.remove(s.record.file, signal);
    await removeIndex(s.id);
    await storage.remove(droppedName(s.id), signal);
    removed.push(s.id);
  }
  // Markers, entries and index files whose summary is gone (an earlier collection was interrupted). One
  // whose summary is there but unreadable stays: it may be a newer Reprise's, or worth a look.
  for (const name of reader.index.names) {
    const m = /^(.+?)\.(dropped|entries\.gz|final\.gz|index\.json\.gz)$/.exec(name);
    if (m && !names.has(`${m[1]}.json`) && !names.has(`${m[1]}.intent.json`)) await storage.remove(name, signal);
  }
  return removed;
}

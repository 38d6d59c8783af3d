// Mirror runs that cost what changed. The record of the last complete point says what current/
// holds, so a run after it need not list (or, on S3, HEAD) the whole remote: it copies the files the
// comparison with the record found new or changed (`copy --files-from-raw --no-traverse`, replaced
// files still moved to versions/<run> by --backup-dir) and moves the deleted ones into versions/<run>
// by name. What the record cannot know — someone deleting or editing files on the remote — is caught
// by a full run (`rclone sync`, listing everything), made every FULL_EVERY_MS, on demand, after any
// run that did not complete, and whenever a lot changed (listing is then cheaper than a lookup each).
import { join } from 'node:path';
import type { PointSummary } from '../record/point-summary.js';
import type { DiffItem } from '../record/tree-diff.js';
import { NulListWriter, both } from '../name-list.js';
import { toRcloneName } from '../../rclone/rclone-names.js';

/** A full reconciliation at least this often (a week). */
export const FULL_EVERY_MS = 7 * 24 * 3600 * 1000;
/** Above this share of the last point's files changed, a full listing costs less than a lookup per file. */
export const TOP_UP_MAX_SHARE = 0.1;

export type SyncMode = 'full' | 'top-up';

export interface ModeInput {
  /** The point this run builds on, and the newest complete one. */
  readonly base: PointSummary | null;
  readonly lastComplete: PointSummary | null;
  /** Every point of the destination (any order). */
  readonly points: readonly PointSummary[];
  readonly interrupted: number;
  /** A full run was asked for (`reprise run --full`, the window's "Full check"). */
  readonly fullAsked: boolean;
  readonly now: number;
  /** Files added, changed or deleted by this run, against the base point. */
  readonly changedFiles: number;
}

/** Whether this run may top up, and in words why not. */
export function chooseSyncMode(o: ModeInput): { mode: SyncMode; why: string; reconcile: boolean } {
  const m = decide(o);
  return { ...m, reconcile: m.reconcile ?? false };
}

function decide(o: ModeInput): { mode: SyncMode; why: string; reconcile?: boolean } {
  if (o.fullAsked) return { mode: 'full', why: 'a full run was asked for', reconcile: true };
  if (!o.base) return { mode: 'full', why: 'this is the first run' };
  if (!o.lastComplete || o.lastComplete.id !== o.base.id) return { mode: 'full', why: `the last run (${o.base.id}) did not complete` };
  if (o.interrupted > 0) return { mode: 'full', why: 'an earlier run was interrupted' };
  const lastFull = newestFull(o.points);
  if (!lastFull) return { mode: 'full', why: 'no full run is on record' };
  const age = o.now - Date.parse(lastFull.startedAt);
  if (!(age < FULL_EVERY_MS)) return { mode: 'full', why: `the last full run (${lastFull.id}) is more than ${Math.round(FULL_EVERY_MS / 86_400_000)} days old`, reconcile: true };
  const files = o.base.totals.files;
  if (o.changedFiles > Math.max(100, files * TOP_UP_MAX_SHARE)) return { mode: 'full', why: `${o.changedFiles} files changed, more than ${Math.round(TOP_UP_MAX_SHARE * 100)}% of the library` };
  return { mode: 'top-up', why: `only what changed since ${o.base.id}; the last full run was ${lastFull.id}` };
}

/** The newest point made by a full run (points from before top-ups existed were all full). */
export function newestFull(points: readonly PointSummary[]): PointSummary | null {
  let best: PointSummary | null = null;
  for (const p of points) if (p.sync !== 'top-up' && (!best || p.startedAt > best.startedAt)) best = p;
  return best;
}

/** One list file of relative paths (rclone's names of them, one a line) per source, written as the comparison streams. */
export class PathLists {
  private readonly lists = new Map<number, { list: NulListWriter; count: number }>();
  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {}

  /** A promise only when the file asks to wait (see NulListWriter). */
  add(source: number, rel: string): void | Promise<void> {
    let s = this.lists.get(source);
    if (!s) {
      s = { list: new NulListWriter(join(this.dir, `${this.name}-${source}`), NEWLINE), count: 0 };
      this.lists.set(source, s);
    }
    s.count++;
    return s.list.add(toRcloneName(rel));
  }

  async close(): Promise<void> {
    await Promise.all([...this.lists.values()].map((s) => s.list.close()));
  }

  /** Gives the files up (a run that ended before close); settles once they are closed. */
  async destroy(): Promise<void> {
    await Promise.all([...this.lists.values()].map((s) => s.list.destroy()));
  }

  /** Settles once every list file started so far is open. */
  async opened(): Promise<void> {
    await Promise.all([...this.lists.values()].map((s) => s.list.opened()));
  }

  /** The list file of a source and how many paths it holds; null when it holds none. */
  of(source: number): { file: string; count: number } | null {
    const s = this.lists.get(source);
    return s ? { file: s.list.file, count: s.count } : null;
  }
}
const NEWLINE = 0x0a;

/** What a top-up must send and move, gathered from the comparison with the base point. */
export class TopUpPlan {
  readonly copies: PathLists;
  readonly deletes: PathLists;
  /** Files added, changed or deleted (the basis of the "too much changed" rule). */
  changedFiles = 0;

  constructor(workDir: string) {
    this.copies = new PathLists(workDir, 'top-up-copy');
    this.deletes = new PathLists(workDir, 'top-up-delete');
  }

  /**
   * Takes one change of the comparison. Databases go around (their consistent copies are uploaded
   * on their own); files lacking content are not sent. A file whose metadata alone changed is sent
   * too: rclone then only sets its time, and current/ keeps matching the record.
   */
  add(item: DiffItem, locate: (path: string) => { source: number; rel: string } | null, isBaseDatabase: (path: string) => boolean): void | Promise<void> {
    const now = item.entry;
    const before = item.before;
    if (now?.type === 'f' || before?.type === 'f') this.changedFiles++;
    const copied = now && now.type === 'f' && !now.lack && !now.sqlite ? this.copies.add(now.source, now.rel) : undefined;
    // The file is gone, or something other than a file took its place: the old bytes go to versions/.
    if (before?.type === 'f' && now?.type !== 'f' && !isBaseDatabase(before.path)) {
      const at = locate(before.path);
      if (at) return both(copied, this.deletes.add(at.source, at.rel));
    }
    return copied;
  }

  close(): Promise<void> {
    return Promise.all([this.copies.close(), this.deletes.close()]).then(() => {});
  }

  /** Gives the list files up: a run that failed or was cancelled before close kept them open. */
  async destroy(): Promise<void> {
    await Promise.all([this.copies.destroy(), this.deletes.destroy()]);
  }

  /** Settles once every list file started so far is open. */
  async opened(): Promise<void> {
    await Promise.all([this.copies.opened(), this.deletes.opened()]);
  }
}

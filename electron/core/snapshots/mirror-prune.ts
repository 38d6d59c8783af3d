// Retention for a versioned mirror: it keeps exactly the restore points `selectRetention` keeps
// (the same policy as snapshots), by dropping old runs and folding dropped runs in the middle into
// the next run.
//
// What a run's record means. versions/<R_k> holds files as they were before run k, for the files
// run k changed or deleted; the manifest of run k lists (in `added`) the files run k created. The
// state after point j is rebuilt from current/ plus, per file, the earliest run after j that touched
// it: its versions/ copy if it moved one, "did not exist" if it created the file (within one run
// the versions/ copy is looked at first; a run never both moves and creates one path).
//
// Who needs what. versions/<R_k> and run k's `added` are read only when rebuilding a point older
// than k. So every run at or before the oldest kept point goes: its manifest is deleted (oldest
// first, so the points still listed always rebuild) and then its version folder is purged; the
// oldest kept point keeps its manifest but not its version folder.
//
// Folding. A run j after the oldest kept point that is not kept (a dropped point, or a failed or
// cancelled run that never was one) is merged into the next run n (the next manifest, whatever it
// is). For a kept point i < j the two runs must then answer as one: per file the earliest run wins,
// so j's answer beats n's:
//   added(n') = added(j) ∪ added(n), minus the files in versions/<R_j> (j saw them existing)
//   versions/<R_n'> = versions/<R_j> over versions/<R_n>, minus the files j created (a copy of such
//                     a file in versions/<R_n> is j's version, not the state before j)
// Runs are folded oldest first, so a chain of dropped runs folds into the first kept one after it.
// The newest complete point and points being restored from (protectedIds) are always kept; a run
// after the newest point (a failed one) has no later run to fold into and stays as it is. A restore
// from point p reads the version folders of runs after p as it copies, so while p is in use no fold
// goes into a run after p: those points stay until a prune with no restore under way.
//
// Crash safety. Nothing in rclone 1.60 replaces a file atomically (copyto and moveto onto an
// existing file delete or truncate it first), so a fold never overwrites n's manifest in place:
//   a. upload the merged manifest as manifests/<n>.merging.json with a higher `revision` and
//      `absorbs: j`. Readers take the higher revision of one id; a half-written file does not parse
//      and is ignored (the old manifest of n is still whole). From now on j is no restore point.
//   b. delete from versions/<R_n> the files j created; c. move versions/<R_j> into versions/<R_n>
//      (server-side, overwriting: per file the older copy wins); d. delete j's manifest;
//   e. delete the old manifests/<n>.json; f. rename <n>.merging.json to <n>.json.
// While j's manifest exists (a–c) it answers first for every file it touched, so whatever b and c
// have done so far a kept point rebuilds the same: a file moved out of versions/<R_j> is found at
// once in versions/<R_n>, a deleted copy in versions/<R_n> was one j's `added` hid anyway. After d
// the merged manifest is in force; e–f only rename. The next prune first finishes any fold it finds
// half done (a merging file that parses), or deletes a merging file that does not (a cut off step a).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIRROR_MANIFESTS, MIRROR_VERSIONS, joinRemote } from './mirror-layout.js';
import { type MirrorManifest, type MirrorSourceRecord, mirrorPoints, parseMirrorManifests } from './mirror-manifest.js';
import { readMirrorManifests } from './mirror-run.js';
import type { RcloneExec } from './rclone-exec.js';
import { type RetentionOptions, type RetentionPolicy, selectRetention } from './retention.js';
import { parseSnapshotId } from './snapshot-names.js';

/** The suffix of a merged manifest that is not yet in its final place. */
export const MERGING_SUFFIX = '.merging.json';

/** What retention will do to a mirror. */
export interface MirrorPrunePlan {
  /** Restore points kept, oldest first. */
  readonly keep: readonly string[];
  /** The oldest kept point: runs before it are deleted, its own version folder purged. */
  readonly oldestKept: string | null;
  /** Runs older than the oldest kept point (restore points or not), oldest first. */
  readonly dropOld: readonly string[];
  /** Runs folded into the next run, oldest first. */
  readonly fold: ReadonlyArray<{ readonly id: string; readonly into: string }>;
  /** Restore points that go (in dropOld or fold). */
  readonly removedPoints: readonly string[];
  /** Points the policy drops but that stay for now: folding them would move files a point being restored from reads. */
  readonly deferred: readonly string[];
}

/** Decides, from the manifests alone, which runs go and how. Pure. */
export function planMirrorPrune(manifests: readonly MirrorManifest[], policy: RetentionPolicy, options: RetentionOptions = {}): MirrorPrunePlan {
  const points = mirrorPoints(manifests);
  const candidates = points.map((m) => ({ id: m.id, time: parseSnapshotId(m.id) ?? new Date(m.startedAt), complete: true }));
  const keep = new Set(selectRetention(candidates, policy, options).keep.map((k) => k.id));
  if (keep.size === 0) return { keep: [], oldestKept: null, dropOld: [], fold: [], removedPoints: [], deferred: [] };
  const oldestKept = [...keep].sort()[0]!;
  const dropOld = manifests.filter((m) => m.id < oldestKept).map((m) => m.id);
  const after = manifests.filter((m) => m.id > oldestKept);
  // A restore from point p reads the version folders of the runs after p while it copies: folding
  // into a run after the oldest point in use waits for a later prune.
  const inUse = points.map((m) => m.id).filter((id) => options.protectedIds?.has(id));
  const foldLimit = inUse.length > 0 ? inUse.sort()[0]! : null;
  const fold: Array<{ id: string; into: string }> = [];
  const deferred: string[] = [];
  for (let i = 0; i < after.length - 1; i++) {
    const { id } = after[i]!;
    const into = after[i + 1]!.id;
    if (keep.has(id)) continue;
    if (foldLimit !== null && into > foldLimit) deferred.push(id);
    else fold.push({ id, into });
  }
  const pointIds = new Set(points.map((m) => m.id));
  return {
    keep: [...keep].sort(),
    oldestKept,
    dropOld,
    fold,
    removedPoints: points.map((m) => m.id).filter((id) => !keep.has(id) && !deferred.includes(id)),
    deferred: deferred.filter((id) => pointIds.has(id)),
  };
}

/** The manifest of run n after run j (the run just before it) is folded into it. Pure. */
export function foldedManifest(j: MirrorManifest, n: MirrorManifest, versionedByJ: ReadonlySet<string>): MirrorManifest {
  const createdByJ = j.sources.flatMap((s) => s.added).filter((p) => !versionedByJ.has(p));
  const baseOf = (p: string): string => p.slice(0, p.indexOf('/') === -1 ? p.length : p.indexOf('/'));
  const bases = new Set(n.sources.map((s) => s.base));
  const merge = (s: MirrorSourceRecord): MirrorSourceRecord => ({
    ...s,
    added: [...new Set([...s.added.filter((p) => !versionedByJ.has(p)), ...createdByJ.filter((p) => baseOf(p) === s.base)])].sort(),
  });
  // A source j synced that n did not (it left the job in between) keeps j's record: current/ still
  // holds it as j left it, and what j created must stay recorded.
  const orphans = j.sources.filter((s) => !bases.has(s.base)).map((s) => ({ ...s, transferred: 0, versioned: 0, added: createdByJ.filter((p) => baseOf(p) === s.base) }));
  return { ...n, sources: [...n.sources.map(merge), ...orphans], revision: (n.revision ?? 0) + 1, absorbs: j.id };
}

/** A prune step rclone could not do; the mirror is left in a state every kept point rebuilds from. */
export class MirrorPruneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MirrorPruneError';
  }
}

const NO_RETRY = ['--retries', '1', '--low-level-retries', '2'];

/**
 * Applies the retention policy to a mirror: drops old runs, folds dropped middle ones into the
 * next run (see the header). Finishes a fold an earlier prune left half done first. Returns the ids
 * of the restore points removed.
 */
export async function pruneMirrorVersions(
  exec: RcloneExec,
  target: string,
  policy: RetentionPolicy,
  log: (line: string) => void = () => {},
  protectedIds: ReadonlySet<string> = new Set(),
  options: { readonly utcOffsetMinutes?: number } = {},
): Promise<string[]> {
  const step = async (args: readonly string[], what: string, okCodes: readonly number[] = [0]): Promise<string> => {
    const r = await exec({ args: [...NO_RETRY, ...args] });
    if (r.exitCode === null || !okCodes.includes(r.exitCode)) throw new MirrorPruneError(`Retention could not ${what}: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`);
    return r.stdout;
  };
  const manifestPath = (name: string): string => joinRemote(target, MIRROR_MANIFESTS, name);
  const versionsPath = (id: string): string => joinRemote(target, MIRROR_VERSIONS, id);
  // lsjson exits 3 (and prints half a list) for a folder that does not exist: it holds nothing.
  const list = async (args: readonly string[], remote: string): Promise<string[]> => {
    const r = await exec({ args: [...NO_RETRY, 'lsjson', ...args, '--', remote] });
    if (r.exitCode === 3) return [];
    if (r.exitCode !== 0) throw new MirrorPruneError(`Retention could not list ${remote}: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`);
    return (JSON.parse(r.stdout || '[]') as Array<{ Path: string }>).map((f) => f.Path);
  };
  const listFiles = async (remote: string): Promise<Set<string>> => new Set(await list(['-R', '--files-only'], remote));

  /** Steps b–f of a fold whose merged manifest is already uploaded (step a). */
  const finishFold = async (j: MirrorManifest | undefined, merged: MirrorManifest): Promise<void> => {
    if (j) {
      const created = j.sources.flatMap((s) => s.added);
      const inN = await listFiles(versionsPath(merged.id));
      const stale = created.filter((p) => inN.has(p));
      if (stale.length > 0) {
        const dir = await mkdtemp(join(tmpdir(), 'reprise-prune-'));
        try {
          const list = join(dir, 'stale.txt');
          await writeFile(list, stale.map((p) => `${p}\n`).join(''));
          await step(['delete', '--files-from-raw', list, '--', versionsPath(merged.id)], `delete superseded copies in versions/${merged.id}`);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }
      if ((await listFiles(versionsPath(j.id))).size > 0) {
        // Server-side moves (a rename on local disks, MOVE on WebDAV); --ignore-times so a copy
        // in versions/<n> with the same size and time is still replaced by j's, the older state.
        await step(['move', '--ignore-times', '--', versionsPath(j.id), versionsPath(merged.id)], `move versions/${j.id} into versions/${merged.id}`);
      }
      await step(['purge', '--', versionsPath(j.id)], `remove versions/${j.id}`, [0, 3]);
      await step(['deletefile', '--', manifestPath(`${j.id}.json`)], `delete the manifest of ${j.id}`);
    }
    const names = await manifestNames();
    if (names.has(`${merged.id}.json`)) await step(['deletefile', '--', manifestPath(`${merged.id}.json`)], `replace the manifest of ${merged.id}`);
    await step(['moveto', '--', manifestPath(`${merged.id}${MERGING_SUFFIX}`), manifestPath(`${merged.id}.json`)], `replace the manifest of ${merged.id}`);
  };
  const manifestNames = async (): Promise<Set<string>> => listFiles(joinRemote(target, MIRROR_MANIFESTS));

  // 1. Finish what an interrupted prune left half done.
  for (const name of [...(await manifestNames())].filter((n) => n.endsWith(MERGING_SUFFIX)).sort()) {
    const merged = parseMirrorManifests(await step(['cat', '--', manifestPath(name)], `read ${name}`))[0];
    if (!merged || `${merged.id}${MERGING_SUFFIX}` !== name) {
      await step(['deletefile', '--', manifestPath(name)], `remove the cut-off ${name}`);
      continue;
    }
    const all = await readMirrorManifests(exec, target);
    const j = merged.absorbs ? all.find((m) => m.id === merged.absorbs) : undefined;
    // Half done is a state every point rebuilds from: it can wait for a restore from an older point.
    if (j && mirrorPoints(all).some((m) => m.id < merged.id && protectedIds.has(m.id))) {
      log(`# retention: folding ${j.id} into ${merged.id} resumes after the restore in progress`);
      continue;
    }
    await finishFold(j, merged);
    if (j) log(`# retention: finished folding ${j.id} into ${merged.id} (an earlier prune was interrupted)`);
  }

  // 2. Decide.
  const manifests = await readMirrorManifests(exec, target);
  const plan = planMirrorPrune(manifests, policy, { protectedIds, ...options });
  if (plan.oldestKept === null) return [];
  if (plan.deferred.length > 0) log(`# retention: ${plan.deferred.length} restore point(s) stay until the restore in progress ends: ${plan.deferred.join(', ')}`);
  const points = new Set(plan.removedPoints);
  const removed: string[] = [];
  const gone = (id: string, how: string): void => {
    if (points.has(id)) {
      removed.push(id);
      log(`# retention: removed mirror restore point ${id}${how} (${removed.length}/${plan.removedPoints.length})`);
    } else log(`# retention: removed the record of unfinished run ${id}${how}`);
  };

  // 3. Old runs: manifests first (oldest first, so every point still listed rebuilds), then every
  //    version folder up to and including the oldest kept point's (also ones a crash orphaned).
  for (const id of plan.dropOld) {
    await step(['deletefile', '--', manifestPath(`${id}.json`)], `delete the manifest of ${id}`);
    gone(id, '');
  }
  for (const dir of await list(['--dirs-only'], joinRemote(target, MIRROR_VERSIONS))) {
    if (dir <= plan.oldestKept) await step(['purge', '--', versionsPath(dir)], `remove versions/${dir}`, [0, 3]);
  }

  // 4. Middle runs: fold each into the next, oldest first (n's manifest may be one just merged).
  const current = new Map(manifests.map((m) => [m.id, m]));
  for (const { id, into } of plan.fold) {
    const j = current.get(id)!;
    const merged = foldedManifest(j, current.get(into)!, await listFiles(versionsPath(id)));
    await uploadMerging(exec, target, merged);
    await finishFold(j, merged);
    current.set(into, merged);
    current.delete(id);
    gone(id, ` (folded into ${into})`);
  }
  return removed;
}

/** Step a: the merged manifest under its temporary name. */
async function uploadMerging(exec: RcloneExec, target: string, manifest: MirrorManifest): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'reprise-manifest-'));
  try {
    const file = join(dir, 'manifest.json');
    await writeFile(file, `${JSON.stringify(manifest)}\n`);
    const r = await exec({ args: [...NO_RETRY, 'copyto', '--', file, joinRemote(target, MIRROR_MANIFESTS, `${manifest.id}${MERGING_SUFFIX}`)] });
    if (r.exitCode !== 0) throw new MirrorPruneError(`Retention could not write the merged manifest of ${manifest.id}: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

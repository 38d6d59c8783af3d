// Restore points and restores of a versioned mirror, from the mirror alone. The state after run K
// is rebuilt per file: the earliest later run that touched the file decides — if that run moved it
// into versions/<run>/ that copy is the old one; if that run created it, it did not exist yet;
// untouched files are still in current/.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { MIRROR_CURRENT, MIRROR_VERSIONS, joinRemote } from '../snapshots/mirror-layout.js';
import { type MirrorManifest, mirrorPoints } from '../snapshots/mirror-manifest.js';
import { readMirrorManifests } from '../snapshots/mirror-run.js';
import type { RcloneExec } from '../snapshots/rclone-exec.js';
import type { ListingEntry } from './music-index.js';
import { type ConflictPolicy, type RestorePlan, type RestorePlanItem, keepBothName } from './restore-plan.js';
import { RestoreError } from './restore-errors.js';
import type { RestorePoint } from './restore-points.js';
import type { RestoreVerification } from './snapshot-restore.js';
import { assertWritableInside, splitBackupPath } from './safe-path.js';

/** Lists the usable runs of a mirror as restore points, newest first. */
export async function listMirrorRestorePoints(exec: RcloneExec, target: string): Promise<RestorePoint[]> {
  const manifests = mirrorPoints(await readMirrorManifests(exec, target));
  return manifests
    .map((m, i) => ({
      kind: 'mirror' as const,
      destination: target,
      id: m.id,
      time: m.startedAt,
      outcome: m.outcome as RestorePoint['outcome'],
      files: m.sources.reduce((n, s) => n + s.files, 0),
      bytes: m.sources.reduce((n, s) => n + s.bytes, 0),
      newBytes: null,
      latest: i === manifests.length - 1,
      confirmedThrough: null,
      jobName: m.job.name,
    }))
    .reverse();
}

/** Where one file of a rebuilt state is read from. */
interface FileSource {
  /** `current` or `versions/<run>` relative to the target. */
  readonly layer: string;
  readonly size: number;
}

async function lsFiles(exec: RcloneExec, remoteDir: string): Promise<Map<string, number>> {
  const r = await exec({ args: ['lsjson', '-R', '--files-only', '--', remoteDir] });
  const out = new Map<string, number>();
  if (r.exitCode !== 0) return out; // a folder missing from this layer holds nothing
  for (const item of JSON.parse(r.stdout || '[]') as Array<{ Path: string; Size: number }>) out.set(item.Path, item.Size);
  return out;
}

async function statFile(exec: RcloneExec, remotePath: string): Promise<number | undefined> {
  const r = await exec({ args: ['lsjson', '--stat', '--', remotePath] });
  if (r.exitCode !== 0) return undefined;
  const item = JSON.parse(r.stdout) as { IsDir: boolean; Size: number };
  return item.IsDir ? undefined : item.Size;
}

/** Resolves a restore point id ('latest' or a run id) to its index among the manifests. */
function pointIndex(manifests: readonly MirrorManifest[], at: string): number {
  const points = mirrorPoints(manifests);
  const point = at === 'latest' ? points.at(-1) : points.find((m) => m.id === at);
  if (point) return manifests.indexOf(point);
  throw new RestoreError('restore-point-missing', `There is no restore point "${at}" in the mirror.`);
}

/** Rebuilds which files `rel` held after run `at`, and where each is read from now. */
export async function mirrorItemState(
  exec: RcloneExec,
  target: string,
  at: string,
  rel: string,
): Promise<{ manifest: MirrorManifest; files: Map<string, FileSource>; isFile: boolean }> {
  const segments = splitBackupPath(rel);
  const relPath = segments.join('/');
  const manifests = await readMirrorManifests(exec, target);
  const k = pointIndex(manifests, at);
  const later = manifests.slice(k + 1);
  const claimed = new Map<string, FileSource | null>();
  // A single file is listed as the only entry "" of its own tree.
  let isFile = false;
  const listLayer = async (layer: string): Promise<Map<string, number>> => {
    // Ask first whether the item is a file in this layer: lsjson -R of a file path lists the file
    // as if it were a folder's content.
    const size = await statFile(exec, joinRemote(target, layer, relPath));
    if (size !== undefined) {
      isFile = true;
      return new Map([['', size]]);
    }
    return isFile ? new Map() : lsFiles(exec, joinRemote(target, layer, relPath));
  };
  for (const run of later) {
    for (const [p, size] of await listLayer(`${MIRROR_VERSIONS}/${run.id}`)) if (!claimed.has(p)) claimed.set(p, { layer: `${MIRROR_VERSIONS}/${run.id}`, size });
    const prefix = `${relPath}/`;
    for (const src of run.sources) {
      for (const added of src.added) {
        const p = added === relPath ? '' : added.startsWith(prefix) ? added.slice(prefix.length) : undefined;
        if (p !== undefined && !claimed.has(p)) claimed.set(p, null);
      }
    }
  }
  for (const [p, size] of await listLayer(MIRROR_CURRENT)) if (!claimed.has(p)) claimed.set(p, { layer: MIRROR_CURRENT, size });
  const files = new Map<string, FileSource>();
  for (const [p, s] of claimed) if (s) files.set(p, s);
  if (files.size === 0) throw new RestoreError('not-found', `"${relPath}" is not in the mirror at ${manifests[k]!.id}.`);
  return { manifest: manifests[k]!, files, isFile };
}

/** What to restore from a mirror. */
export interface MirrorRestoreOptions {
  readonly exec: RcloneExec;
  readonly target: string;
  readonly at: string;
  readonly path: string;
  readonly to: string;
  readonly policy: ConflictPolicy;
  readonly dryRun?: boolean;
  readonly clock?: () => Date;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { readonly phase: 'planning' | 'copying' | 'verifying'; readonly filesDone?: number; readonly filesTotal?: number }) => void;
}

/** What a mirror restore did (or would do). */
export interface MirrorRestoreResult {
  readonly pointId: string;
  readonly restoredTo: string;
  readonly plan: RestorePlan;
  readonly dryRun: boolean;
  readonly verification?: RestoreVerification;
}

/** Restores one item of a mirror restore point into `to` under its own name. */
export async function restoreFromMirror(o: MirrorRestoreOptions): Promise<MirrorRestoreResult> {
  const segments = splitBackupPath(o.path);
  if (!isAbsolute(o.to)) throw new RestoreError('target-missing', `The target folder must be an absolute path: ${o.to}`);
  try {
    if (!(await stat(o.to)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new RestoreError('target-missing', `The target folder ${o.to} does not exist. Create it or choose another one.`);
  }
  o.onProgress?.({ phase: 'planning' });
  const state = await mirrorItemState(o.exec, o.target, o.at, o.path);
  const name = segments.at(-1)!;
  let item = join(o.to, name);
  if (o.policy === 'keep-both' && existsSync(item)) item = join(o.to, keepBothName(name, (o.clock ?? (() => new Date()))(), (c) => existsSync(join(o.to, c))));
  await assertWritableInside(o.to, item);

  // The plan: compare each file with what is in the target (rclone copies when size or time differ).
  const items: RestorePlanItem[] = [];
  for (const [p, src] of state.files) {
    const local = p ? join(item, ...p.split('/')) : item;
    let existing;
    try {
      existing = await stat(local);
    } catch {
      existing = undefined;
    }
    const action: RestorePlanItem['action'] = !existing ? 'create' : o.policy === 'overwrite' ? 'overwrite' : 'skip';
    if (existing && existing.size === src.size && action !== 'create') continue; // same size: checked below
    items.push({ action, kind: 'file', path: p || name, size: src.size });
  }
  const plan: RestorePlan = {
    items,
    createFiles: items.filter((i) => i.action === 'create').length,
    overwriteFiles: items.filter((i) => i.action === 'overwrite').length,
    skipFiles: items.filter((i) => i.action === 'skip').length,
    bytes: items.filter((i) => i.action !== 'skip').reduce((n, i) => n + i.size, 0),
  };
  if (o.dryRun) return { pointId: state.manifest.id, restoredTo: item, plan, dryRun: true };

  const byLayer = new Map<string, string[]>();
  for (const [p, src] of state.files) byLayer.set(src.layer, [...(byLayer.get(src.layer) ?? []), p]);
  const relPath = segments.join('/');
  const work = await mkdtemp(join(tmpdir(), 'reprise-restore-'));
  const skipped = new Set(items.filter((i) => i.action === 'skip').map((i) => i.path));
  const mismatches: string[] = [];
  const keptExisting: string[] = [];
  let done = 0;
  try {
    o.onProgress?.({ phase: 'copying', filesDone: 0, filesTotal: state.files.size });
    for (const [layer, paths] of byLayer) {
      const from = joinRemote(o.target, layer, relPath);
      const policyArgs = o.policy === 'skip' ? ['--ignore-existing'] : [];
      const r = state.isFile
        ? await o.exec({ args: ['copyto', ...policyArgs, '--', from, item], ...(o.signal ? { signal: o.signal } : {}) })
        : await o.exec({ args: ['copy', ...policyArgs, '--files-from-raw', await listFile(work, layer, paths), '--', from, item], ...(o.signal ? { signal: o.signal } : {}) });
      if (r.cancelled) throw new RestoreError('cancelled', 'The restore was stopped. Files restored so far are kept.');
      if (r.exitCode !== 0) throw new RestoreError('copy-failed', `rclone could not restore from ${layer}: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`, { ...(r.exitCode !== null ? { exitCode: r.exitCode } : {}) });
      done += paths.length;
      o.onProgress?.({ phase: 'copying', filesDone: done, filesTotal: state.files.size });
    }
    o.onProgress?.({ phase: 'verifying' });
    for (const [layer, paths] of byLayer) {
      const from = joinRemote(o.target, layer, relPath);
      if (state.isFile) {
        // One file: md5 of the remote bytes (downloaded, so any backend works) against the local copy.
        const r = await o.exec({ args: ['md5sum', '--download', '--', from], ...(o.signal ? { signal: o.signal } : {}) });
        const remote = /^([0-9a-f]{32})\s/.exec(r.stdout)?.[1];
        const local = createHash('md5').update(await readFile(item)).digest('hex');
        if (remote !== local) (skipped.has(name) ? keptExisting : mismatches).push(name);
        continue;
      }
      // A byte-for-byte comparison (--download) works on every backend, hashes or not.
      const args = ['check', '--one-way', '--download', '--combined', '-', '--files-from-raw', await listFile(work, `${layer}-check`, paths), '--', from, item];
      const r = await o.exec({ args, ...(o.signal ? { signal: o.signal } : {}) });
      for (const line of r.stdout.split('\n')) {
        const m = /^([=*+!-]) (.*)$/.exec(line);
        if (!m || m[1] === '=') continue;
        (skipped.has(m[2]!) ? keptExisting : mismatches).push(m[2]!);
      }
      if (r.exitCode !== 0 && r.exitCode !== 1) mismatches.push(`(check failed in ${layer}: exit ${r.exitCode})`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return {
    pointId: state.manifest.id,
    restoredTo: item,
    plan,
    dryRun: false,
    verification: { ok: mismatches.length === 0, mismatches: mismatches.sort(), keptExisting: keptExisting.sort() },
  };
}

async function listFile(dir: string, name: string, paths: readonly string[]): Promise<string> {
  const file = join(dir, `${name.replace(/[^\w.-]/g, '_')}.txt`);
  await writeFile(file, paths.map((p) => `${p}\n`).join(''));
  return file;
}

/** A listing of everything a mirror ever held (current plus all version folders), for the music index. */
export async function mirrorListing(exec: RcloneExec, target: string, base: string): Promise<ListingEntry[]> {
  const seen = new Map<string, ListingEntry>();
  const add = async (root: string): Promise<void> => {
    const r = await exec({ args: ['lsjson', '-R', '--', root] });
    if (r.exitCode !== 0) return;
    for (const item of JSON.parse(r.stdout || '[]') as Array<{ Path: string; Size: number; IsDir: boolean }>) {
      if (!seen.has(item.Path)) seen.set(item.Path, { path: item.Path, size: item.IsDir ? 0 : item.Size, isDir: item.IsDir });
    }
  };
  await add(joinRemote(target, MIRROR_CURRENT, base));
  const manifests = await readMirrorManifests(exec, target);
  for (const m of [...manifests].reverse()) await add(joinRemote(target, MIRROR_VERSIONS, m.id, base));
  return [...seen.values()];
}

/** One version of an item in a mirror (see ItemVersion for snapshots). */
export interface MirrorItemVersion {
  readonly pointId: string;
  readonly time: string;
  readonly files: number;
  readonly bytes: number;
  readonly changes: { readonly added: number; readonly removed: number; readonly changed: number } | null;
}

/**
 * The versions of an item across a mirror's restore points, newest first. Lists each layer once
 * (current/ and every versions/<run>/) and rebuilds every point in memory.
 */
export async function mirrorItemVersions(exec: RcloneExec, target: string, rel: string): Promise<MirrorItemVersion[]> {
  const relPath = splitBackupPath(rel).join('/');
  const manifests = await readMirrorManifests(exec, target);
  const current = await lsFiles(exec, joinRemote(target, MIRROR_CURRENT, relPath));
  const versions = new Map<string, Map<string, number>>();
  for (const m of manifests) versions.set(m.id, await lsFiles(exec, joinRemote(target, MIRROR_VERSIONS, m.id, relPath)));
  const prefix = `${relPath}/`;
  const states: Array<{ m: MirrorManifest; files: Map<string, string> }> = [];
  const points = new Set(mirrorPoints(manifests));
  for (let k = 0; k < manifests.length; k++) {
    if (!points.has(manifests[k]!)) continue;
    const claimed = new Map<string, string | null>();
    for (const run of manifests.slice(k + 1)) {
      for (const [p, size] of versions.get(run.id)!) if (!claimed.has(p)) claimed.set(p, `${run.id}:${size}`);
      for (const src of run.sources) for (const a of src.added) if (a.startsWith(prefix) && !claimed.has(a.slice(prefix.length))) claimed.set(a.slice(prefix.length), null);
    }
    for (const [p, size] of current) if (!claimed.has(p)) claimed.set(p, `current:${size}`);
    const files = new Map<string, string>();
    for (const [p, s] of claimed) if (s) files.set(p, s);
    if (files.size > 0) states.push({ m: manifests[k]!, files });
  }
  const out = states.map((s, i) => {
    const size = [...s.files.values()].reduce((n, v) => n + Number(v.slice(v.lastIndexOf(':') + 1)), 0);
    const older = states[i - 1];
    let changes: MirrorItemVersion['changes'] = null;
    if (older) {
      let added = 0;
      let changed = 0;
      let removed = 0;
      // The same layer and size means the same stored object, so the file did not change.
      for (const [p, v] of s.files) {
        const o = older.files.get(p);
        if (o === undefined) added++;
        else if (o !== v) changed++;
      }
      for (const p of older.files.keys()) if (!s.files.has(p)) removed++;
      changes = { added, removed, changed };
    }
    return { pointId: s.m.id, time: s.m.startedAt, files: s.files.size, bytes: size, changes };
  });
  return out.reverse();
}

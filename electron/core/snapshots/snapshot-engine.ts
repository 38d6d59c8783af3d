// One snapshot run against one destination folder: compare, copy into a staging folder with
// hard links to the newest complete snapshot, then rename into place and swap `latest`.
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, readdir, rename, rm, stat, symlink, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parseRsyncProgressLine, parseRsyncStats } from '../progress/rsync-progress.js';
import type { RsyncProgress } from '../progress/rsync-progress.js';
import { type SnapshotManifest, type SnapshotOutcome, type SqliteCopyRecord, isComplete, readManifest, writeManifest } from './manifest.js';
import { createRsyncRunner, type RsyncRunner } from './rsync-child.js';
import { checkLocalDestination } from '../scheduler/destination-presence.js';
import { SnapshotError } from './snapshot-errors.js';
import { type SnapshotEntry, listSnapshots, newestComplete, readLatest } from './snapshot-list.js';
import { DELETING_PREFIX, LATEST_NAME, STAGING_NAME, uniqueSnapshotId } from './snapshot-names.js';
import { type FoundDatabase, SQLITE_SIDECARS, copySqliteDatabase, databaseSignature, findSqliteDatabases } from './sqlite-copy.js';

/** What a snapshot run needs; every seam (clock, rsync) is injected. */
export interface SnapshotRunOptions {
  /** Absolute path of the destination folder; it must exist (an absent NAS is not created). */
  readonly destination: string;
  /** Absolute source folders; each lands in the snapshot under its base name. */
  readonly sources: readonly string[];
  readonly job: { readonly id: string; readonly name: string };
  readonly excludes?: readonly string[];
  readonly repriseVersion: string;
  readonly clock?: () => Date;
  readonly runRsync?: RsyncRunner;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SnapshotProgress) => void;
  /** Set false to always build a new tree (used by the benchmark for comparison). */
  readonly detectUnchanged?: boolean;
  /** Called with rsync's pid (tests kill it mid-run). */
  readonly onRsyncSpawn?: (pid: number) => void;
}

/** Live progress of a run. */
export type SnapshotProgress =
  | { readonly phase: 'checking' }
  | { readonly phase: 'copying'; readonly rsync: RsyncProgress }
  | { readonly phase: 'finishing' };

/** A run either built a new snapshot or confirmed that the newest one is still current. */
export type SnapshotRunResult =
  | { readonly kind: 'created'; readonly manifest: SnapshotManifest; readonly path: string; readonly latestUpdated: boolean }
  | { readonly kind: 'unchanged'; readonly snapshotId: string; readonly confirmedAt: string };

interface Source {
  readonly path: string;
  readonly base: string;
}

const WARNING_LINES = 20;

/** Runs one snapshot of `sources` into `destination`. Throws SnapshotError with a kind on failure. */
export async function runSnapshot(options: SnapshotRunOptions): Promise<SnapshotRunResult> {
  const clock = options.clock ?? (() => new Date());
  const runRsync = options.runRsync ?? createRsyncRunner();
  const startedAt = clock();
  const destination = await checkDestination(options.destination, true);
  const sources = await checkSources(options.sources);
  const excludes = options.excludes ?? [];

  await cleanLeftovers(destination);
  const snapshots = await listSnapshots(destination);
  const base = newestComplete(snapshots);

  options.onProgress?.({ phase: 'checking' });
  // The no-change check needs no walk of the sources: databases the newest snapshot knows are
  // compared by signature, and a new database shows up in rsync's comparison as a new file.
  if (base && options.detectUnchanged !== false) {
    const unchanged = await isUnchanged(runRsync, base, sources, excludes, options.signal);
    if (unchanged) {
      const confirmedAt = clock().toISOString();
      await writeManifest(base.path, { ...base.manifest, confirmations: [...base.manifest.confirmations, confirmedAt] });
      if ((await readLatest(destination)) !== base.id) await swapLatest(destination, base.id);
      return { kind: 'unchanged', snapshotId: base.id, confirmedAt };
    }
  }
  const databases = await findSqliteDatabases(sources);
  const signatures = new Map<string, string>();
  for (const db of databases) signatures.set(db.inSnapshot, await databaseSignature(db.absolute));

  const staging = join(destination, STAGING_NAME);
  const resumed = await prepareStaging(staging, sources);
  const args = [
    '-a',
    '--numeric-ids',
    '--delete',
    '--info=progress2',
    '--no-inc-recursive',
    '--stats',
    ...(base ? [`--link-dest=${base.path}`] : []),
    ...excludes.map((e) => `--exclude=${e}`),
    '--',
    ...sources.map((s) => s.path),
    `${staging}/`,
  ];
  const lines: string[] = [];
  const collect = (line: string): void => {
    const p = parseRsyncProgressLine(line);
    if (p) options.onProgress?.({ phase: 'copying', rsync: p });
    else lines.push(line);
  };
  let exit;
  try {
    exit = await runRsync(args, {
      onLine: collect,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onRsyncSpawn ? { onSpawn: options.onRsyncSpawn } : {}),
    });
  } catch (cause) {
    throw new SnapshotError('spawn-failed', 'rsync could not be started. Install rsync 3.x and make sure it is on the PATH.', { cause });
  }

  if (/No space left on device/i.test(exit.stderrTail)) {
    // Nothing half-written may ever pass for a snapshot, and the space is better given back now.
    await rm(staging, { recursive: true, force: true });
    throw new SnapshotError(
      'destination-full',
      `The destination ${destination} is full. No snapshot was taken; free some space (or prune old snapshots) and run again.`,
      { ...(exit.exitCode !== null ? { exitCode: exit.exitCode } : {}), stderrTail: exit.stderrTail },
    );
  }
  if (exit.cancelled || exit.exitCode === null || exit.exitCode === 20) {
    throw new SnapshotError('cancelled', 'The snapshot was stopped before it finished. The previous snapshot is untouched; the next run resumes.', {
      stderrTail: exit.stderrTail,
    });
  }
  const outcome = outcomeFor(exit.exitCode);
  if (!outcome) {
    throw new SnapshotError('rsync-failed', `rsync failed with exit code ${exit.exitCode}. The previous snapshot is untouched.`, {
      exitCode: exit.exitCode,
      stderrTail: exit.stderrTail,
    });
  }

  options.onProgress?.({ phase: 'finishing' });
  const sqlite = await copyDatabases(databases, signatures, staging, base);
  const stats = parseRsyncStats(lines);
  const id = uniqueSnapshotId(startedAt, new Set(snapshots.map((s) => s.id)));
  const manifest: SnapshotManifest = {
    format: 'reprise-snapshot',
    formatVersion: 1,
    id,
    job: { id: options.job.id, name: options.job.name },
    sources: sources.map((s) => ({ path: s.path, base: s.base })),
    startedAt: startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    files: stats.regularFiles ?? 0,
    bytes: stats.totalFileSize ?? 0,
    transferredFiles: stats.transferredFiles ?? 0,
    transferredBytes: stats.transferredFileSize ?? 0,
    outcome,
    warnings: exit.stderrTail.split('\n').filter((l) => l.trim().length > 0).slice(-WARNING_LINES),
    linkedTo: base?.id ?? null,
    resumedStaging: resumed,
    repriseVersion: options.repriseVersion,
    sqlite,
    confirmations: [],
  };
  await writeManifest(staging, manifest);
  const finalPath = join(destination, id);
  await rename(staging, finalPath);
  const latestUpdated = isComplete(outcome);
  if (latestUpdated) await swapLatest(destination, id);
  return { kind: 'created', manifest, path: finalPath, latestUpdated };
}

/** A dry run: what a snapshot would copy now, compared with the newest complete snapshot. Writes nothing. */
export async function previewSnapshot(
  options: Pick<SnapshotRunOptions, 'destination' | 'sources' | 'excludes' | 'runRsync' | 'signal'>,
): Promise<{ files: number; bytes: number; deletions: number; linkedTo: string | null }> {
  const runRsync = options.runRsync ?? createRsyncRunner();
  const destination = await checkDestination(options.destination);
  const sources = await checkSources(options.sources);
  const base = newestComplete(await listSnapshots(destination));
  let files = 0;
  let bytes = 0;
  let deletions = 0;
  const look = (line: string): void => {
    const m = /^(\S+)\|(\d+)\|/.exec(line);
    if (!m) return;
    if (m[1]!.startsWith('*deleting')) deletions++;
    else if (m[1]![1] === 'f') {
      files++;
      bytes += Number(m[2]);
    }
  };
  // Against the newest snapshot, or an empty folder when there is none yet.
  const against = base ? `${base.path}/` : `${join(destination, '.reprise-preview-empty')}/`;
  const exit = await runRsync(
    ['-a', '--numeric-ids', '--delete', '--dry-run', '--out-format=%i|%l|%n', ...(options.excludes ?? []).map((e) => `--exclude=${e}`), '--', ...sources.map((s) => s.path), against],
    { onLine: look, ...(options.signal ? { signal: options.signal } : {}) },
  );
  if (exit.cancelled) throw new SnapshotError('cancelled', 'The preview was stopped.');
  if (exit.exitCode !== 0 && exit.exitCode !== 24 && exit.exitCode !== 23) {
    throw new SnapshotError('rsync-failed', `rsync failed with exit code ${exit.exitCode} while previewing.`, { ...(exit.exitCode !== null ? { exitCode: exit.exitCode } : {}), stderrTail: exit.stderrTail });
  }
  return { files, bytes, deletions, linkedTo: base?.id ?? null };
}

/** rsync exit codes: 0 success, 24 some files vanished (warning), 23 some files failed (partial). */
export function outcomeFor(exitCode: number): SnapshotOutcome | undefined {
  if (exitCode === 0) return 'ok';
  if (exitCode === 24) return 'warning';
  if (exitCode === 23) return 'partial';
  return undefined;
}

// A first snapshot may create its folder, but only where that cannot mean "the drive is not
// plugged in": never under /media, /mnt, /Volumes… (an empty mount point would fill the system disk).
async function checkDestination(destination: string, createIfNew = false): Promise<string> {
  if (!isAbsolute(destination)) throw new SnapshotError('destination-missing', `The destination must be an absolute path: ${destination}`);
  const abs = resolve(destination);
  try {
    if ((await stat(abs)).isDirectory()) return abs;
  } catch {
    if (createIfNew && checkLocalDestination(abs, { everUsed: false }).present) {
      await mkdir(abs, { recursive: true });
      return abs;
    }
  }
  throw new SnapshotError(
    'destination-missing',
    `The destination folder ${abs} is not there. If it is on an external drive or NAS, connect it and run again.`,
  );
}

async function checkSources(paths: readonly string[]): Promise<Source[]> {
  if (paths.length === 0) throw new SnapshotError('invalid-source', 'A snapshot needs at least one source folder.');
  const seen = new Map<string, string>();
  const out: Source[] = [];
  for (const raw of paths) {
    if (!isAbsolute(raw)) throw new SnapshotError('invalid-source', `Source folders must be absolute paths: ${raw}`);
    // resolve() drops a trailing slash, so `/x/music/` still lands under `music/` (not its contents).
    const path = resolve(raw);
    const base = basename(path);
    if (base === '' || base === '.' || base === '..') throw new SnapshotError('invalid-source', `A source must be a folder with a name, not ${raw}`);
    try {
      if (!(await stat(path)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw new SnapshotError('source-missing', `The source folder ${path} is missing or unreadable. Nothing was changed in the backup.`);
    }
    const clash = seen.get(base);
    if (clash) throw new SnapshotError('source-name-clash', `Two sources share the folder name "${base}" (${clash} and ${path}); rename one so each has its own place in the snapshot.`);
    seen.set(base, path);
    out.push({ path, base });
  }
  return out;
}

/** Removes what an earlier prune left half-deleted; such folders are never restore points. */
async function cleanLeftovers(destination: string): Promise<void> {
  for (const name of await readdir(destination)) {
    if (name.startsWith(DELETING_PREFIX)) await rm(join(destination, name), { recursive: true, force: true });
  }
}

/**
 * Reuses an interrupted staging folder (rsync then copies only what is missing) after dropping
 * top-level folders that no longer belong to the job's sources. Returns whether it resumed.
 */
async function prepareStaging(staging: string, sources: readonly Source[]): Promise<boolean> {
  const wanted = new Set(sources.map((s) => s.base));
  let entries: string[];
  try {
    entries = await readdir(staging);
  } catch {
    await mkdir(staging);
    return false;
  }
  for (const name of entries) if (!wanted.has(name)) await rm(join(staging, name), { recursive: true, force: true });
  return true;
}

/** A dry-run rsync against the newest snapshot: no itemized line means nothing changed. */
async function isUnchanged(
  runRsync: RsyncRunner,
  base: SnapshotEntry,
  sources: readonly Source[],
  excludes: readonly string[],
  signal: AbortSignal | undefined,
): Promise<boolean> {
  const baseBases = base.manifest.sources.map((s) => s.base).sort();
  const nowBases = sources.map((s) => s.base).sort();
  if (baseBases.join('\0') !== nowBases.join('\0')) return false;
  const byBase = new Map(sources.map((s) => [s.base, s.path]));
  for (const record of base.manifest.sqlite) {
    const [first, ...rest] = record.path.split('/');
    const live = join(byBase.get(first!) ?? '/nonexistent', ...rest);
    if ((await databaseSignature(live)) !== record.signature) return false;
  }

  // Database files and their sidecars are compared by signature above, not by rsync.
  const ignored = new Set<string>();
  // SQLite creates and removes its -wal/-shm files next to a database, which moves that folder's
  // mtime without any content changing; a folder-time-only difference there is not a change.
  const dbFolders = new Set<string>();
  for (const record of base.manifest.sqlite) {
    ignored.add(record.path);
    for (const s of SQLITE_SIDECARS) ignored.add(record.path + s);
    dbFolders.add(record.path.split('/').slice(0, -1).join('/'));
  }
  let changed = false;
  const look = (line: string): void => {
    const m = /^(\S+) (.*)$/.exec(line);
    if (!m) return;
    const path = m[2]!.replace(/\/$/, '');
    if (/^\.d\.\.t\.+$/.test(m[1]!) && dbFolders.has(path)) return;
    if (!ignored.has(path)) changed = true;
  };
  const exit = await runRsync(
    [
      '-a',
      '--numeric-ids',
      '--delete',
      '--dry-run',
      '--out-format=%i %n',
      ...excludes.map((e) => `--exclude=${e}`),
      '--',
      ...sources.map((s) => s.path),
      `${base.path}/`,
    ],
    { onLine: look, ...(signal ? { signal } : {}) },
  );
  if (exit.cancelled) throw new SnapshotError('cancelled', 'The snapshot was stopped while comparing with the newest snapshot.');
  // Anything but a clean comparison is treated as "changed": a full run will report the problem.
  return exit.exitCode === 0 && !changed;
}

async function copyDatabases(
  databases: readonly FoundDatabase[],
  signatures: ReadonlyMap<string, string>,
  staging: string,
  base: SnapshotEntry | undefined,
): Promise<SqliteCopyRecord[]> {
  const previous = new Map((base?.manifest.sqlite ?? []).map((r) => [r.path, r.signature]));
  const records: SqliteCopyRecord[] = [];
  for (const db of databases) {
    const target = join(staging, ...db.inSnapshot.split('/'));
    const signature = signatures.get(db.inSnapshot) ?? '';
    const parent = dirname(target);
    const parentStat = await stat(dirname(db.absolute)).catch(() => undefined);
    try {
      await lstat(target);
    } catch {
      continue; // excluded by the user's filters, or vanished while rsync ran
    }
    const prevCopy = base ? join(base.path, ...db.inSnapshot.split('/')) : undefined;
    if (prevCopy && previous.get(db.inSnapshot) === signature && (await exists(prevCopy))) {
      // Unchanged since the last snapshot: share its consistent copy instead of rsync's byte copy.
      const temp = `${target}.reprise-tmp`;
      await rm(temp, { force: true });
      await link(prevCopy, temp);
      await rename(temp, target);
    } else {
      try {
        await copySqliteDatabase(db.absolute, target);
      } catch (cause) {
        throw new SnapshotError('sqlite-copy-failed', `The database ${db.absolute} could not be copied consistently: ${(cause as Error).message}`, { cause });
      }
    }
    for (const suffix of SQLITE_SIDECARS) await rm(target + suffix, { force: true });
    // Our writes touched the folder's mtime; put rsync's value back so the next comparison is clean.
    if (parentStat) await utimes(parent, parentStat.atime, parentStat.mtime);
    records.push({ path: db.inSnapshot, signature });
  }
  return records;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Points `latest` at a snapshot atomically: a new link under a temp name renamed over the old one. */
export async function swapLatest(destination: string, id: string): Promise<void> {
  const temp = join(destination, `.reprise-latest-${randomBytes(4).toString('hex')}`);
  await symlink(id, temp);
  try {
    await rename(temp, join(destination, LATEST_NAME));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Reads the manifest of the snapshot `latest` points at. */
export async function readLatestManifest(destination: string): Promise<SnapshotManifest | undefined> {
  const id = await readLatest(destination);
  return id ? readManifest(join(destination, id)) : undefined;
}

// Restores one item (file or folder) from a snapshot into a target folder with rsync: preview,
// copy with progress, then a checksum comparison of what landed against the snapshot.
import { existsSync } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseRsyncProgressLine, type RsyncProgress } from '../progress/rsync-progress.js';
import { createRsyncRunner, type RsyncRunner } from '../snapshots/rsync-child.js';
import { listSnapshots, readLatest } from '../snapshots/snapshot-list.js';
import type { SnapshotEntry } from '../snapshots/snapshot-list.js';
import { type ConflictPolicy, type RestorePlan, keepBothName, planFromItemized } from './restore-plan.js';
import { RestoreError } from './restore-errors.js';
import { assertWritableInside, resolveInsideRoot, splitBackupPath } from './safe-path.js';

/** What to restore, from where, to where. */
export interface SnapshotRestoreOptions {
  readonly destination: string;
  /** A snapshot id, or 'latest'. */
  readonly at: string;
  /** Path inside the snapshot, e.g. `music/Pink Floyd/The Wall (1979)`. */
  readonly path: string;
  /** Existing folder the item lands in, under its own name. */
  readonly to: string;
  readonly policy: ConflictPolicy;
  readonly dryRun?: boolean;
  readonly clock?: () => Date;
  readonly runRsync?: RsyncRunner;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: RestoreProgress) => void;
}

/** Live progress of a restore. */
export type RestoreProgress =
  | { readonly phase: 'planning' }
  | { readonly phase: 'copying'; readonly rsync: RsyncProgress }
  | { readonly phase: 'verifying' };

/** The result of a verification pass. */
export interface RestoreVerification {
  readonly ok: boolean;
  /** Files whose restored bytes differ from the backup (other than conflicts skipped on purpose). */
  readonly mismatches: readonly string[];
  /** Files that differ because the skip policy kept the existing version. */
  readonly keptExisting: readonly string[];
}

/** What a restore did (or, for a dry run, would do). */
export interface RestoreResult {
  readonly snapshotId: string;
  readonly restoredTo: string;
  readonly plan: RestorePlan;
  readonly dryRun: boolean;
  readonly verification?: RestoreVerification;
}

/** Finds the snapshot a restore reads from: an id, or `latest`. */
export async function resolveSnapshot(destination: string, at: string): Promise<SnapshotEntry> {
  const snapshots = await listSnapshots(destination).catch(() => {
    throw new RestoreError('restore-point-missing', `${destination} cannot be read; is the drive connected?`);
  });
  const id = at === 'latest' ? ((await readLatest(destination)) ?? snapshots.filter((s) => s.complete).at(-1)?.id) : at;
  const found = snapshots.find((s) => s.id === id);
  if (!found) throw new RestoreError('restore-point-missing', `There is no snapshot "${at}" in ${destination}.`);
  return found;
}

/** Restores one item from a snapshot into `to` under its own name. */
export async function restoreFromSnapshot(options: SnapshotRestoreOptions): Promise<RestoreResult> {
  const runRsync = options.runRsync ?? createRsyncRunner();
  const segments = splitBackupPath(options.path);
  const snapshot = await resolveSnapshot(options.destination, options.at);
  const source = await resolveInsideRoot(snapshot.path, segments);
  if (!isAbsolute(options.to)) throw new RestoreError('target-missing', `The target folder must be an absolute path: ${options.to}`);
  try {
    if (!(await stat(options.to)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new RestoreError('target-missing', `The target folder ${options.to} does not exist. Create it or choose another one.`);
  }
  const name = segments.at(-1)!;
  const isDir = (await lstat(source)).isDirectory();
  let item = join(options.to, name);
  if (options.policy === 'keep-both' && existsSync(item)) {
    item = join(options.to, keepBothName(name, (options.clock ?? (() => new Date()))(), (c) => existsSync(join(options.to, c))));
  }
  await assertWritableInside(options.to, item);

  const from = isDir ? `${source}/` : source;
  const into = isDir ? `${item}/` : item;
  // --safe-links drops links in the backup that point outside the restored tree.
  const common = ['-a', '--safe-links', '--out-format=%i|%l|%n'];
  options.onProgress?.({ phase: 'planning' });
  const preview = await collect(runRsync, [...common, '--dry-run', '--', from, into], options.signal);
  const plan = planFromItemized(preview.lines, options.policy);
  if (options.dryRun) return { snapshotId: snapshot.id, restoredTo: item, plan, dryRun: true };

  const copy = await collect(
    runRsync,
    [...common, '--info=progress2', '--no-inc-recursive', ...(options.policy === 'skip' ? ['--ignore-existing'] : []), '--', from, into],
    options.signal,
    (p) => options.onProgress?.({ phase: 'copying', rsync: p }),
  );
  if (copy.exitCode !== 0) {
    throw new RestoreError('copy-failed', `rsync stopped with exit code ${copy.exitCode} while restoring; what was copied so far stays in ${item}.`, {
      ...(copy.exitCode !== null ? { exitCode: copy.exitCode } : {}),
      stderrTail: copy.stderrTail,
    });
  }

  options.onProgress?.({ phase: 'verifying' });
  // A checksum dry-run: every file rsync would still change differs from the backup.
  const check = await collect(runRsync, [...common, '--dry-run', '--checksum', '--', from, into], options.signal);
  const skipped = new Set(plan.items.filter((i) => i.action === 'skip').map((i) => i.path));
  const differing = planFromItemized(check.lines, 'overwrite').items.map((i) => i.path);
  const mismatches = differing.filter((p) => !skipped.has(p));
  const keptExisting = differing.filter((p) => skipped.has(p));
  return {
    snapshotId: snapshot.id,
    restoredTo: item,
    plan,
    dryRun: false,
    verification: { ok: check.exitCode === 0 && mismatches.length === 0, mismatches, keptExisting },
  };
}

async function collect(
  runRsync: RsyncRunner,
  args: string[],
  signal: AbortSignal | undefined,
  onProgress?: (p: RsyncProgress) => void,
): Promise<{ lines: string[]; exitCode: number | null; stderrTail: string }> {
  const lines: string[] = [];
  const take = (line: string): void => {
    const p = parseRsyncProgressLine(line);
    if (p) onProgress?.(p);
    else lines.push(line);
  };
  let exit;
  try {
    exit = await runRsync(args, { onLine: take, ...(signal ? { signal } : {}) });
  } catch (cause) {
    throw new RestoreError('spawn-failed', 'rsync could not be started. Install rsync 3.x and make sure it is on the PATH.', { cause });
  }
  if (exit.cancelled || exit.exitCode === null) throw new RestoreError('cancelled', 'The restore was stopped. Files restored so far are kept.');
  return { lines, exitCode: exit.exitCode, stderrTail: exit.stderrTail };
}

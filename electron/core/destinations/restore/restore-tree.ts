// Rebuilds an item of a restore point from its record: folders, files (bytes fetched by the
// destination kind into a staging folder), symlinks as symlinks, hard links, then modes, owners,
// mtimes and xattrs; then checks what landed against the record, never against the live source or
// what was copied. Nothing is written through a symlink: every path is checked with lstat before
// it is written, so the only path ever resolved is the target folder itself, and writes stay inside it.
import { randomBytes } from 'node:crypto';
import { chmod, chown, lchown, link, lstat, lutimes, mkdir, mkdtemp, readlink, realpath, rename, rm, symlink, unlink, utimes } from 'node:fs/promises';
import { type BigIntStats, type Stats, lstatSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { type RecordEntry, bin, bytesOf, isUnder, textOf } from '../record/entry.js';
import { md5File } from '../record/tree-diff.js';
import type { ChildRunner } from '../../process/child.js';
import { readXattrs, settableXattr, writeXattrs } from '../record/xattrs.js';
import { RestoreError } from './restore-errors.js';
import { keepBothName } from './keep-both-name.js';
import { eachLimit } from '../each-limit.js';

/** Files placed, given their metadata, or checked against the record at once (see each-limit.ts). */
const PER_FILE_AT_ONCE = 8;

/** Files a restore's preview names at most. */
export const PREVIEW_ITEMS = 500;

/** How a restore treats files that already exist in the target with other content. */
export type ConflictPolicy = 'skip' | 'overwrite' | 'keep-both';

/** Where the bytes of files come from: the destination kind fetches them into `stage`. */
export interface ByteFetcher {
  /**
   * Puts the content of each file into the staging folder; returns the staged file per record path,
   * and for the files whose bytes could not be found, why.
   */
  fetch(files: readonly RecordEntry[], stage: Buffer, signal: AbortSignal | undefined, onProgress: (filesDone: number, bytesDone: number) => void): Promise<{ staged: Map<string, Buffer>; missing: Map<string, string> }>;
}

/** One line of a restore preview. */
export interface PlanItem {
  readonly action: 'create' | 'overwrite' | 'skip' | 'keep-both';
  /** Path relative to the target folder, as text. */
  readonly path: string;
  readonly size: number;
}

/** What a restore did or, for a dry run, would do. */
export interface RestoreTreeResult {
  /** The restored item's path in the target folder. */
  readonly restoredTo: string;
  /** The first PREVIEW_ITEMS files, in record order (the counts below are of all). */
  readonly items: readonly PlanItem[];
  readonly createFiles: number;
  readonly overwriteFiles: number;
  readonly skipFiles: number;
  readonly keepBothFiles: number;
  readonly bytes: number;
  readonly dryRun: boolean;
  /** Absent for a dry run. */
  readonly verification?: {
    readonly ok: boolean;
    /** Restored entries that differ from the record, with what differs. */
    readonly mismatches: readonly string[];
    /** Existing files the skip policy left as they were. */
    readonly keptExisting: readonly string[];
    /** Entries of the point whose content could not be restored, with why. */
    readonly missing: readonly string[];
    /** Entries compared with the record. */
    readonly checked: number;
  };
}

export interface RestoreTreeOptions {
  /** The entries of the item, in record order (the item itself first). */
  readonly entries: readonly RecordEntry[];
  /** The item's record path (binary string); it lands in `to` under its last name. */
  readonly item: string;
  readonly to: string;
  readonly policy: ConflictPolicy;
  readonly dryRun: boolean;
  readonly fetcher: ByteFetcher;
  /** Starts setfattr/getfattr for extended attributes and ACLs. */
  readonly children: ChildRunner;
  readonly clock?: () => Date;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: { readonly phase: 'planning' | 'copying' | 'verifying'; readonly percent: number; readonly bytes: number }) => void;
}

const isRoot = (): boolean => process.getuid?.() === 0;

function join2(dir: Buffer, name: string): Buffer {
  return Buffer.concat([dir, Buffer.from('/'), bytesOf(name)]);
}

async function lstatOrNull(p: Buffer): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Seconds from a nanosecond string, as utimes wants them. libuv truncates the fraction to
 * nanoseconds, and a double near 1.8e9 s is only exact to ~0.24 µs, so half a microsecond is added:
 * the time set then lands on the recorded microsecond instead of the one before it.
 */
export function seconds(ns: string): number {
  return Number(BigInt(ns) / 1000n) / 1e6 + 5e-7;
}

/** Microseconds of a nanosecond string: what survives a round trip through utimes. */
function micros(ns: string): bigint {
  const n = BigInt(ns);
  return n >= 0n ? n / 1000n : -((-n + 999n) / 1000n);
}

/** Prepares the target folder (created when missing) and returns its real path. */
export async function prepareTarget(to: string): Promise<string> {
  if (!isAbsolute(to)) throw new RestoreError('target-missing', `The target folder must be an absolute path: ${to}`);
  try {
    await mkdir(to, { recursive: true });
  } catch (e) {
    throw new RestoreError('target-missing', `The target folder ${to} cannot be created: ${(e as Error).message}`);
  }
  const real = await realpath(to);
  const s = await lstat(real);
  if (!s.isDirectory()) throw new RestoreError('target-missing', `${to} is not a folder.`);
  return real;
}

interface Planned {
  readonly entry: RecordEntry;
  /** Final absolute path (bytes). */
  readonly abs: Buffer;
  readonly action: 'create' | 'overwrite' | 'skip' | 'keep-both' | 'same' | 'exists-dir' | 'lacking';
  /** Shown path relative to the target, binary string. */
  readonly shown: string;
}

/** Restores one item from its record entries into `to`. */
export async function restoreTree(o: RestoreTreeOptions): Promise<RestoreTreeResult> {
  if (o.entries.length === 0 || o.entries[0]!.path !== o.item) throw new RestoreError('not-found', `"${textOf(o.item)}" is not in this restore point.`);
  const realTo = await prepareTarget(o.to);
  const rootAbs = Buffer.from(realTo);
  const parentOfItem = o.item.includes('/') ? o.item.slice(0, o.item.lastIndexOf('/')) : '';
  const relOf = (p: string): string => (parentOfItem === '' ? p : p.slice(parentOfItem.length + 1));
  const clock = o.clock ?? (() => new Date());
  o.onProgress?.({ phase: 'planning', percent: 0, bytes: 0 });

  // ---- plan: compare each entry with what the target holds (lstat only, never following links) ----
  const planned: Planned[] = [];
  const skippedDirs: string[] = [];
  const renamedDirs = new Map<string, Buffer>();
  const absOf = (p: string): Buffer => {
    // A folder restored under a keep-both name takes its content with it.
    for (const [dir, abs] of renamedDirs) if (isUnder(p, dir)) return p === dir ? abs : Buffer.concat([abs, bytesOf(p.slice(dir.length))]);
    return join2(rootAbs, relOf(p));
  };
  // Folders the target does not hold (or that go under a new keep-both name): what the record lists
  // under them is not there either, and is not looked up one lstat at a time.
  const absent = new Set<string>();
  for (const e of o.entries) {
    if (skippedDirs.some((d) => isUnder(e.path, d))) continue;
    const abs = absOf(e.path);
    const shown = bin(abs.subarray(rootAbs.length + 1));
    if (e.lack) {
      planned.push({ entry: e, abs, action: 'lacking', shown });
      continue;
    }
    const existing = absent.has(e.path.slice(0, Math.max(0, e.path.lastIndexOf('/')))) ? null : await lstatOrNull(abs);
    if (!existing) {
      if (e.type === 'd') absent.add(e.path);
      planned.push({ entry: e, abs, action: 'create', shown });
      continue;
    }
    if (e.type === 'd') {
      if (existing.isDirectory()) planned.push({ entry: e, abs, action: 'exists-dir', shown });
      else if (o.policy === 'overwrite') planned.push({ entry: e, abs, action: 'overwrite', shown });
      else if (o.policy === 'keep-both') {
        const alt = keepBothAbs(abs, clock);
        renamedDirs.set(e.path, alt);
        absent.add(e.path);
        planned.push({ entry: e, abs: alt, action: 'keep-both', shown: bin(alt.subarray(rootAbs.length + 1)) });
      } else {
        skippedDirs.push(e.path);
        planned.push({ entry: e, abs, action: 'skip', shown });
      }
      continue;
    }
    if (await sameAsRecord(e, abs, existing)) {
      planned.push({ entry: e, abs, action: 'same', shown });
      continue;
    }
    if (existing.isDirectory() && o.policy === 'overwrite') {
      // A folder where the record has a file: never deleted wholesale by a restore.
      planned.push({ entry: e, abs, action: 'skip', shown });
      continue;
    }
    if (o.policy === 'overwrite') planned.push({ entry: e, abs, action: 'overwrite', shown });
    else if (o.policy === 'keep-both') {
      const alt = keepBothAbs(abs, clock);
      planned.push({ entry: e, abs: alt, action: 'keep-both', shown: bin(alt.subarray(rootAbs.length + 1)) });
    } else planned.push({ entry: e, abs, action: 'skip', shown });
  }
  // Counted over every file; named for the first PREVIEW_ITEMS only (a whole library's preview held
  // a path string per file beside the plan).
  const counts = { create: 0, overwrite: 0, skip: 0, 'keep-both': 0 };
  let bytes = 0;
  const items: PlanItem[] = [];
  for (const p of planned) {
    if (p.entry.type === 'd' || !(p.action === 'create' || p.action === 'overwrite' || p.action === 'skip' || p.action === 'keep-both')) continue;
    counts[p.action]++;
    if (p.action !== 'skip') bytes += p.entry.size;
    if (items.length < PREVIEW_ITEMS) items.push({ action: p.action, path: textOf(p.shown), size: p.entry.size });
  }
  const restoredTo = textOf(bin(absOf(o.item)));
  const base = {
    restoredTo,
    items,
    createFiles: counts.create,
    overwriteFiles: counts.overwrite,
    skipFiles: counts.skip,
    keepBothFiles: counts['keep-both'],
    bytes,
  };
  if (o.dryRun) return { ...base, dryRun: true };

  // ---- fetch the bytes of the files to write (hard-link members share their group's first file) ----
  const writes = planned.filter((p) => p.action === 'create' || p.action === 'overwrite' || p.action === 'keep-both');
  const writtenPaths = new Map<string, Buffer>(); // record path → where it was written (hard links point there)
  // A hard-link member is linked to its group's first file when that one is restored or already right.
  const linkable = new Set(planned.filter((q) => q.action === 'create' || q.action === 'overwrite' || q.action === 'keep-both' || q.action === 'same').map((q) => q.entry.path));
  const needBytes = writes.filter((p) => p.entry.type === 'f' && !(p.entry.hardlink !== undefined && linkable.has(p.entry.hardlink)));
  const stage = Buffer.from(await mkdtemp(`${realTo}/.reprise-restore-`));
  const missing: string[] = [];
  const mismatches: string[] = [];
  try {
    const totalBytes = needBytes.reduce((n, p) => n + p.entry.size, 0) || 1;
    const fetched = await o.fetcher.fetch(
      needBytes.map((p) => p.entry),
      stage,
      o.signal,
      (_files, bytes) => o.onProgress?.({ phase: 'copying', percent: Math.min(99, Math.round((bytes / totalBytes) * 100)), bytes }),
    );
    for (const [p, why] of fetched.missing) missing.push(`${textOf(p)}: ${why}`);

    // ---- place: folders first, in record order (parents before their content); then files and
    // links a few at once; then hard-link members, once their group's first file is there ----
    const failedDirs: string[] = [];
    // What placing each entry found, by its index in `planned`: said in record order after.
    const notes: Array<{ readonly missing?: string; readonly mismatch?: string } | undefined> = [];
    const placeOne = async (p: Planned, i: number): Promise<void> => {
      o.signal?.throwIfAborted();
      const e = p.entry;
      if (failedDirs.some((d) => isUnder(e.path, d))) return;
      try {
        if (e.type === 'd') {
          if (p.action === 'overwrite') await unlink(p.abs);
          await mkdir(p.abs);
        } else if (e.type === 'f') {
          const leader = e.hardlink !== undefined ? writtenPaths.get(e.hardlink) : undefined;
          if (leader) {
            const temp = Buffer.concat([p.abs, Buffer.from(`.reprise-${randomBytes(4).toString('hex')}`)]);
            await link(leader, temp);
            await rename(temp, p.abs);
          } else {
            const staged = fetched.staged.get(e.path);
            if (!staged) return; // named in missing
            await rename(staged, p.abs);
          }
        } else if (e.type === 'l') {
          const temp = Buffer.concat([p.abs, Buffer.from(`.reprise-${randomBytes(4).toString('hex')}`)]);
          await symlink(bytesOf(e.link ?? ''), temp);
          await rename(temp, p.abs);
        } else {
          notes[i] = { missing: `${textOf(e.path)}: a special file (fifo, socket or device) is recorded but not restored` };
          return;
        }
        writtenPaths.set(e.path, p.abs);
      } catch (err) {
        if (o.signal?.aborted) throw err;
        if (e.type === 'd') failedDirs.push(e.path);
        notes[i] = { mismatch: `${textOf(p.shown)}: could not be written (${(err as Error).message})` };
      }
    };
    const toPlace: number[] = [];
    planned.forEach((p, i) => {
      if (p.action === 'lacking') notes[i] = { missing: `${textOf(p.entry.path)}: ${p.entry.lack}` };
      else if (p.action === 'same') writtenPaths.set(p.entry.path, p.abs);
      else if (p.action !== 'exists-dir' && p.action !== 'skip') toPlace.push(i);
    });
    const isMember = (e: RecordEntry): boolean => e.type === 'f' && e.hardlink !== undefined;
    for (const i of toPlace) if (planned[i]!.entry.type === 'd') await placeOne(planned[i]!, i);
    await eachLimit(
      toPlace.filter((i) => planned[i]!.entry.type !== 'd' && !isMember(planned[i]!.entry)),
      PER_FILE_AT_ONCE,
      (i) => placeOne(planned[i]!, i),
    );
    for (const i of toPlace) if (isMember(planned[i]!.entry)) await placeOne(planned[i]!, i);
    for (const n of notes) {
      if (n?.missing) missing.push(n.missing);
      if (n?.mismatch) mismatches.push(n.mismatch);
    }

    // ---- metadata: files and links first, folders last and deepest first (writing into a folder moves its mtime) ----
    const root = isRoot();
    const xattrItems: Array<{ path: string; xattrs: Readonly<Record<string, string>> }> = [];
    // Files already there with the recorded content get the recorded mode, owner and time too.
    const placed = planned.filter((p) => writtenPaths.get(p.entry.path) === p.abs && (p.action === 'create' || p.action === 'overwrite' || p.action === 'keep-both' || p.action === 'same'));
    const placedFiles = placed.filter((x) => x.entry.type !== 'd');
    const fileProblems: Array<string | undefined> = [];
    await eachLimit(placedFiles, PER_FILE_AT_ONCE, async (p, i) => {
      const e = p.entry;
      try {
        if (e.type === 'l') {
          if (root) await lchown(p.abs, e.uid, e.gid);
          await lutimes(p.abs, seconds(e.mtime), seconds(e.mtime));
        } else {
          if (root) await chown(p.abs, e.uid, e.gid);
          await chmod(p.abs, e.mode);
          await utimes(p.abs, seconds(e.mtime), seconds(e.mtime));
        }
      } catch (err) {
        fileProblems[i] = `${textOf(p.shown)}: its owner, mode or time could not be set (${(err as Error).message})`;
      }
    });
    for (const m of fileProblems) if (m !== undefined) mismatches.push(m);
    for (const p of placedFiles) if (p.entry.xattrs) xattrItems.push({ path: bin(p.abs), xattrs: p.entry.xattrs });
    const dirs = planned.filter((p) => p.entry.type === 'd' && (writtenPaths.get(p.entry.path) === p.abs || p.action === 'exists-dir' || p.action === 'same'));
    for (const p of dirs) if (p.entry.xattrs) xattrItems.push({ path: bin(p.abs), xattrs: p.entry.xattrs });
    const xattrProblems = await writeXattrs(o.children, xattrItems, o.signal);
    if (xattrProblems === null && xattrItems.length > 0) mismatches.push(`extended attributes of ${xattrItems.length} entries were not restored: setfattr (package attr) is not installed`);
    for (const p of [...dirs].reverse()) {
      const e = p.entry;
      try {
        if (root) await chown(p.abs, e.uid, e.gid);
        await chmod(p.abs, e.mode);
        await utimes(p.abs, seconds(e.mtime), seconds(e.mtime));
      } catch (err) {
        mismatches.push(`${textOf(p.shown)}: its owner, mode or time could not be set (${(err as Error).message})`);
      }
    }
  } finally {
    await rm(stage, { recursive: true, force: true });
  }

  // ---- verify what landed against the record ----
  o.onProgress?.({ phase: 'verifying', percent: 100, bytes: 0 });
  const keptExisting = planned.filter((p) => p.action === 'skip' && p.entry.type !== 'd').map((p) => textOf(p.shown));
  const toCheck = planned.filter((p) => writtenPaths.has(p.entry.path) && writtenPaths.get(p.entry.path) === p.abs);
  const groups = new Map<string, number>(); // record path of a hard-link group's first file → inode restored
  const xattrsByPath = new Map<string, Record<string, string>>();
  if (toCheck.some((p) => p.entry.xattrs)) {
    const dump = await readXattrs(o.children, realTo, o.signal);
    if (dump) for (const [k, v] of dump.map) xattrsByPath.set(k, v);
  }
  // Each entry on its own, a few at once; then each hard-link member against the inode its group's
  // first file was restored as.
  const problems: Array<string | null> = [];
  const inodes: Array<number | undefined> = [];
  await eachLimit(toCheck, PER_FILE_AT_ONCE, async (p, i) => {
    o.signal?.throwIfAborted();
    const r = await compareWithRecord(p.entry, p.abs, xattrsByPath, o.signal);
    problems[i] = r.problem;
    inodes[i] = r.ino;
  });
  toCheck.forEach((p, i) => {
    if (p.entry.type === 'f' && p.entry.hardlink === undefined && inodes[i] !== undefined) groups.set(p.entry.path, inodes[i]!);
  });
  toCheck.forEach((p, i) => {
    const e = p.entry;
    if (problems[i] === null && e.type === 'f' && e.hardlink !== undefined && inodes[i] !== undefined) {
      const ino = groups.get(e.hardlink);
      if (ino !== undefined && ino !== inodes[i]) problems[i] = `not a hard link of ${textOf(e.hardlink)}`;
    }
    if (problems[i]) mismatches.push(`${textOf(p.shown)}: ${problems[i]}`);
  });
  const checked = toCheck.length;
  return {
    ...base,
    dryRun: false,
    verification: { ok: mismatches.length === 0 && missing.length === 0, mismatches, keptExisting, missing, checked },
  };
}

function keepBothAbs(abs: Buffer, clock: () => Date): Buffer {
  const slash = abs.lastIndexOf(0x2f);
  const dir = abs.subarray(0, slash);
  const name = textOf(bin(abs.subarray(slash + 1)));
  const taken = (candidate: string): boolean => {
    try {
      lstatSync(Buffer.concat([dir, Buffer.from(`/${candidate}`)]));
      return true;
    } catch {
      return false;
    }
  };
  return Buffer.concat([dir, Buffer.from(`/${keepBothName(name, clock(), taken)}`)]);
}

/** Whether an existing entry already is what the record describes (so nothing needs writing). */
async function sameAsRecord(e: RecordEntry, abs: Buffer, s: Stats): Promise<boolean> {
  if (e.type === 'l') return s.isSymbolicLink() && bin(await readlink(abs, { encoding: 'buffer' })) === e.link;
  if (e.type !== 'f' || !s.isFile() || s.size !== e.size || !e.hash) return false;
  try {
    return (await md5File(abs)) === e.hash;
  } catch {
    return false;
  }
}

/** What differs between a restored entry and its record (null: nothing), and a file's inode (its hard links are checked by the caller). */
async function compareWithRecord(e: RecordEntry, abs: Buffer, xattrs: ReadonlyMap<string, Record<string, string>>, signal?: AbortSignal): Promise<{ problem: string | null; ino?: number }> {
  let s;
  try {
    s = await lstat(abs, { bigint: true });
  } catch {
    return { problem: 'missing after the restore' };
  }
  const problem = await differences(e, abs, s, xattrs, signal);
  return e.type === 'f' && s.isFile() ? { problem, ino: Number(s.ino) } : { problem };
}

async function differences(e: RecordEntry, abs: Buffer, s: BigIntStats, xattrs: ReadonlyMap<string, Record<string, string>>, signal?: AbortSignal): Promise<string | null> {
  const type = s.isFile() ? 'f' : s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : 'o';
  if (type !== e.type) return `is a ${type === 'f' ? 'file' : type === 'd' ? 'folder' : type === 'l' ? 'link' : 'special file'}, the record has a ${e.type === 'f' ? 'file' : e.type === 'd' ? 'folder' : 'link'}`;
  if (e.type !== 'l' && Number(s.mode & 0o7777n) !== e.mode) return `mode ${Number(s.mode & 0o7777n).toString(8)} instead of ${e.mode.toString(8)}`;
  if (isRoot() && (Number(s.uid) !== e.uid || Number(s.gid) !== e.gid)) return `owner ${s.uid}:${s.gid} instead of ${e.uid}:${e.gid}`;
  if (micros(s.mtimeNs.toString()) !== micros(e.mtime)) return 'modification time differs';
  if (e.type === 'l') {
    const target = bin(await readlink(abs, { encoding: 'buffer' }));
    if (target !== e.link) return 'link points elsewhere';
  }
  if (e.type === 'f') {
    if (Number(s.size) !== e.size) return `size ${s.size} instead of ${e.size}`;
    if (!e.hash) return 'the record has no content hash for it, so its bytes cannot be checked';
    if ((await md5File(abs, signal)) !== e.hash) return 'content differs from the record';
  }
  if (e.xattrs) {
    const got = xattrs.get(bin(abs)) ?? {};
    const root = isRoot();
    for (const [k, v] of Object.entries(e.xattrs)) {
      if (!settableXattr(k, root)) continue;
      if (got[k] !== v) return `extended attribute ${k} ${got[k] === undefined ? 'missing' : 'differs'}`;
    }
  }
  return null;
}

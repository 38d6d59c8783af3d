// The snapshot kind behind the destination interface: backup (snapshot-backup.ts), its restore
// points and their bytes (the snapshot folders), and verification of the newest point against its
// record by walking its folder.
import { lstat, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../../process/scratch.js';
import type { Destination, Job } from '../../../../shared/model.js';
import type { VerifyDestination } from '../../../../shared/restore.js';
import type { ChildRunner } from '../../process/child.js';
import { progressSampler } from './rsync-progress.js';
import { eachLimit } from '../each-limit.js';
import type { DestinationKindImpl, KindEnv, OpenedDestination, PointInfo } from '../kind.js';
import { type RecordEntry, bin, bytesOf, textOf } from '../record/entry.js';
import { openRecords } from '../record/record-chain.js';
import { localRecordStorage } from '../record/record-storage.js';
import { compareWithRecord, type HeldEntry } from '../record/tree-compare.js';
import { md5File } from '../record/tree-diff.js';
import { walkSources } from '../record/tree-walk.js';
import type { ByteFetcher } from '../restore/restore-tree.js';
import { RestoreError } from '../restore/restore-errors.js';
import { backupSnapshot } from './snapshot-backup.js';
import { readLatest, snapshotFolderExists } from './snapshot-layout.js';
import { openPrivateLog } from '../../process/log-tail.js';

/** A destination that cannot be read right now (drive not connected). */
export class DestinationUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DestinationUnreadable';
  }
}

async function openSnapshotDestination(dest: Destination, env: KindEnv): Promise<OpenedDestination> {
  try {
    if (!(await stat(dest.target)).isDirectory()) throw new Error('not a folder');
  } catch {
    throw new DestinationUnreadable(`${dest.target} cannot be read; is the drive connected?`);
  }
  const reader = await openRecords(localRecordStorage(dest.target));
  const summaries = [];
  for (const s of reader.points) if (await snapshotFolderExists(dest.target, s.id)) summaries.push(s);
  const warnings = reader.index.damaged.map((d) => `${d.name} cannot be read (${d.reason}); it is skipped`);
  const latest = await readLatest(dest.target);
  if (latest && 'problem' in latest) warnings.push(latest.problem);
  const points: PointInfo[] = summaries.map((s, i) => ({
    summary: s,
    latest: i === summaries.length - 1,
    // What rsync copied rather than linked. Nothing is older than the oldest point (its
    // predecessors may have been pruned since): all of it is its own.
    newBytes: i === 0 ? s.totals.bytes : s.transferred.bytes,
  }));
  return {
    reader,
    points,
    warnings,
    bytes: (pointId) => snapshotBytes(dest.target, pointId, env.tools.rsync, env.children),
    close: () => reader.close(),
  };
}

/** The bytes of a point's files are in its folder; rsync copies them (sparse files stay sparse). */
function snapshotBytes(destination: string, pointId: string, rsync: string, children: ChildRunner): ByteFetcher {
  const root = join(destination, pointId);
  return {
    async fetch(files, stage, signal, onProgress) {
      const staged = new Map<string, Buffer>();
      const missing = new Map<string, string>();
      if (files.length === 0) return { staged, missing };
      // Never read through a link planted in the snapshot: every folder on the way must be a real folder.
      const goodDirs = new Set<string>();
      const usable: RecordEntry[] = [];
      for (const f of files) {
        const parts = f.path.split('/');
        let ok = true;
        for (let i = 1; i < parts.length && ok; i++) {
          const dir = parts.slice(0, i).join('/');
          if (goodDirs.has(dir)) continue;
          const s = await lstat(Buffer.concat([Buffer.from(`${root}/`), bytesOf(dir)])).catch(() => null);
          if (s?.isDirectory()) goodDirs.add(dir);
          else ok = false;
        }
        if (!ok) missing.set(f.path, `not found in snapshot ${pointId}`);
        else usable.push(f);
      }
      const work = await scratchDir('restore');
      try {
        const list = join(work, 'files');
        await writeFile(list, Buffer.concat(usable.flatMap((f) => [bytesOf(f.path), Buffer.from([0])])));
        // A progress line per file: followed in a file, not a pipe (see snapshot-backup.ts).
        const progress = progressSampler((p) => onProgress(p.transfers ?? 0, p.bytes));
        const progressLog = openPrivateLog('rsync', (line) => void progress.line(line));
        const r = await children
          .run({
            command: rsync,
            args: ['-aS', '--from0', `--files-from=${list}`, '--info=progress2', '--', `${root}/`, `${stage.toString()}/`],
            env: { LC_ALL: 'C' },
            ...(signal ? { signal } : {}),
            stdoutFd: progressLog.fd,
          })
          .finally(() => {
            progressLog.finish();
            progress.flush();
          });
        if (r.cancelled) throw Object.assign(new Error('The restore was stopped. Files restored so far are kept.'), { name: 'AbortError' });
        if (r.spawnError) throw new RestoreError('spawn-failed', 'rsync could not be started. Install rsync 3.x and make sure it is on the PATH.');
        // Only the user's Stop is a cancel; rsync killed from outside, or failing, ends the restore with its words.
        if (r.exitCode === null) throw new RestoreError('copy-failed', `rsync was stopped by a signal (${r.signal ?? 'unknown'}) while restoring; what was restored so far stays.`);
        if (r.exitCode !== 0 && r.exitCode !== 23 && r.exitCode !== 24) throw new RestoreError('copy-failed', `rsync failed with exit code ${r.exitCode} while restoring: ${r.stderrTail.at(-1) ?? ''}`, { exitCode: r.exitCode, stderrTail: r.stderrTail.join('\n') });
      } finally {
        await rm(work, { recursive: true, force: true });
      }
      // What rsync staged, looked at a few files at once (each-limit.ts), then told in record order.
      const landed: Array<Stats | null> = [];
      await eachLimit(usable, 16, async (f, i) => {
        landed[i] = await lstat(Buffer.concat([stage, Buffer.from('/'), bytesOf(f.path)])).catch(() => null);
      });
      usable.forEach((f, i) => {
        const s = landed[i];
        if (!s?.isFile()) missing.set(f.path, `not found in snapshot ${pointId}`);
        else if (s.size !== f.size) missing.set(f.path, `snapshot ${pointId} holds ${s.size} bytes for it, the record says ${f.size}`);
        else staged.set(f.path, Buffer.concat([stage, Buffer.from('/'), bytesOf(f.path)]));
      });
      return { staged, missing };
    },
  };
}

async function* heldIn(pointDir: string, bases: readonly string[], deep: boolean, signal?: AbortSignal): AsyncGenerator<HeldEntry> {
  const sources = [...bases].sort().map((b) => ({ path: join(pointDir, textOf(b)), base: b }));
  for (const s of sources) {
    if (!(await stat(s.path).catch(() => null))) continue;
    for await (const e of walkSources({ sources: [s], signal })) {
      const held: HeldEntry = { path: e.path, type: e.type, size: e.size, mtime: e.mtime, mode: e.mode, uid: e.uid, gid: e.gid, ...(e.link !== undefined ? { link: e.link } : {}), ...(e.hardlink !== undefined ? { hardlink: e.hardlink } : {}) };
      yield deep && e.type === 'f' ? { ...held, hash: () => md5File(e.abs, signal) } : held;
    }
  }
}

async function verifySnapshot(_job: Job, dest: Destination, env: KindEnv, options: { readonly deep: boolean; readonly signal?: AbortSignal }): Promise<VerifyDestination> {
  const opened = await openSnapshotDestination(dest, env);
  try {
    const newest = opened.points.at(-1);
    if (!newest) return { destId: dest.id, kind: dest.kind, target: dest.target, pointId: null, ok: false, differences: 0, sample: [], error: 'There is no snapshot to verify yet.' };
    const id = newest.summary.id;
    const bases = newest.summary.sources.map((s) => bin(Buffer.from(s.base)));
    const r = await compareWithRecord(opened.reader.tree(id, undefined, options.signal), heldIn(join(dest.target, id), bases, options.deep, options.signal), {
      deep: options.deep,
      keeps: { modes: true, owners: process.getuid?.() === 0, links: true, dirs: true, mtimes: 'exact' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { destId: dest.id, kind: dest.kind, target: dest.target, pointId: id, ok: r.differences === 0, differences: r.differences, sample: r.sample, error: null, checked: r.checked, deep: options.deep };
  } finally {
    await opened.close();
  }
}

/** The snapshot kind. */
export const snapshotKind: DestinationKindImpl = {
  backup: backupSnapshot,
  open: openSnapshotDestination,
  verify: verifySnapshot,
};

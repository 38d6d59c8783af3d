// One versioned-mirror run: walk the sources into the new point's record, refuse what the deletion
// guard forbids, store the record as an intent, then `rclone sync` each source into current/<source>
// with everything it replaces or deletes moved to versions/<run>/<source>. rclone retries nothing
// itself (--retries 1): a retry is a new run with its own version folder, so a partial file can never
// be moved over an original saved by an earlier attempt. Symlinks, empty folders, modes, owners,
// times, hard links and xattrs live in the record; the remote only needs the files' bytes.
// A first run into a destination without any record starts rclone while the walk goes on (EarlySync).
import { realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir } from '../../process/scratch.js';
import { jsonObjectOf, parseRcloneLine } from '../../rclone/rclone-json.js';
import type { RcloneExec } from '../../rclone/rclone-exec.js';
import type { RcloneSetup } from '../../rclone/rclone-env.js';
import { DEFAULT_STALL_MS } from '../../process/stall-watch.js';
import { remoteOf } from '../../../../shared/remotes/remote-path.js';
import { networkReason, stallReason } from '../../rclone/plain-reason.js';
import { probeServer, remoteAddress } from '../../rclone/remote-address.js';
import { folderTarget, joinTarget } from '../../../../shared/remotes/remote-path.js';
import { uniqueSnapshotId } from '../point-ids.js';
import { SnapshotError } from '../snapshot/snapshot-errors.js';
import { isLocalTarget } from '../../scheduler/destination-presence.js';
import { repriseVersion } from '../../version.js';
import type { DestinationContext, DestinationOutcome } from '../../runs/destination-runner.js';
import { binFromText, bytesOf, isUtf8Path, textOf } from '../record/entry.js';
import { startPointRun } from '../record/point-run.js';
import { localRecordStorage, remoteRecordStorage, type RecordStorage } from '../record/record-storage.js';
import { RECORDS_DIR } from '../record/point-summary.js';
import { summaryCacheIn } from '../record/summary-cache.js';
import { loadSourceFilter } from '../record/source-filter.js';
import { walkSourceBatches } from '../record/tree-walk.js';
import { batchesOf } from '../record/tree-diff.js';
import { RemoteSourceError, listedHasher, streamEntries, walkRemoteSources } from '../record/remote-walk.js';
import { jobSources } from '../job-sources.js';
import { SQLITE_LIKE_GLOB, sqliteLikeName } from '../sqlite-copy.js';
import { remoteKeepsTimes } from '../../sources/remote-source.js';
import { escapeGlob, execFor, jobTransferFlags } from '../rclone-flags.js';
import { MIRROR_CURRENT, MIRROR_VERSIONS, type MirrorStore, localMirrorStore, remoteMirrorStore } from './mirror-store.js';
import { pruneMirror } from './mirror-prune.js';
import { PathLists, TopUpPlan, chooseSyncMode } from './top-up.js';
import { fromRcloneName, toRcloneName } from '../../rclone/rclone-names.js';

/**
 * rclone logs JSON with stats every second, and errors — not a line per file: the record says what
 * changed, and a first run of a million files wrote a 255 MB log of "Copied (new)" lines.
 */
const LOG_ARGS = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE'];
/** Share of the last complete point's files a run may delete without the user confirming; small libraries may always delete MIN_DELETE. */
const MAX_DELETE_SHARE = 0.5;
const MIN_DELETE = 20;
/** rclone's words for a file the source could not give: the point lacks it, the run is partial. */
const SOURCE_SIDE = /failed to open source object|source file is being updated|can't read source|error reading source|permission denied/i;
/** Consequences rclone reports after per-file errors, not problems of their own. */
const AFTERMATH = /^(not deleting (files|directories) as there were IO errors|Attempt \d+\/\d+ failed)/;

/** The store and records of one mirror target, reached with `exec` (made from `rclone`). */
export function mirrorParts(target: string, rclone: RcloneSetup, exec: RcloneExec): { store: MirrorStore; storage: RecordStorage } {
  if (isLocalTarget(target)) return { store: localMirrorStore(target), storage: localRecordStorage(target) };
  const cache = rclone.recordCache ? summaryCacheIn(rclone.recordCache, rclone.configFile, joinTarget(target, RECORDS_DIR)) : undefined;
  return { store: remoteMirrorStore(exec, target), storage: remoteRecordStorage(exec, target, cache) };
}

/** A mirror run refused or failed before or while rclone ran. */
class MirrorRunError extends Error {
  constructor(
    readonly kind: 'refused' | 'failed' | 'cancelled',
    message: string,
    readonly exitCode: number | null = null,
  ) {
    super(message);
  }
}

/** Runs one versioned-mirror backup of every source of the job, then retention. */
export async function backupMirror(ctx: DestinationContext): Promise<DestinationOutcome> {
  // What rclone copied so far: a stopped run says it (a first run may have copied for an hour, and
  // the next run does not copy it again), rather than 0 B.
  const copied = { files: 0, bytes: 0 };
  try {
    return await runMirror(ctx, copied);
  } catch (e) {
    // Stopped while walking or hashing (a first run's rclone may be copying beside the walk): a cancel like any other.
    if (ctx.signal.aborted) return { outcome: 'cancelled', bytes: copied.bytes, files: copied.files, errors: 0, firstError: 'The mirror run was stopped. Every earlier restore point is intact.' };
    if (e instanceof SnapshotError) {
      ctx.log(`# mirror refused (${e.kind}): ${e.message}`);
      return { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: e.message };
    }
    if (e instanceof RemoteSourceError) {
      ctx.log(`# mirror refused (${e.kind}): ${e.message}`);
      return { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: e.message, failure: { tool: 'rclone', exitCode: null, kind: e.kind } };
    }
    if (!(e instanceof MirrorRunError)) throw e;
    ctx.log(`# mirror ${e.kind}: ${e.message}`);
    if (e.kind === 'cancelled') return { outcome: 'cancelled', bytes: copied.bytes, files: copied.files, errors: 0, firstError: e.message };
    return { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: e.message, ...(e.kind === 'failed' ? { failure: { tool: 'rclone' as const, exitCode: e.exitCode } } : { failure: { tool: 'rclone' as const, exitCode: null, kind: 'refused' } }) };
  }
}

async function runMirror(ctx: DestinationContext, copied: { files: number; bytes: number }): Promise<DestinationOutcome> {
  const exec = execFor(ctx.rclone);
  const target = ctx.dest.target;
  const { store, storage } = mirrorParts(target, ctx.rclone, exec);
  const { sources, remote } = await jobSources(ctx.job.sources);
  const startedAt = new Date(ctx.now());
  const work = await scratchDir('mirror');
  let endHashing: (() => Promise<void>) | null = null;
  // A first run's sync started before the walk ends (see below).
  let early: EarlySync | null = null;
  // What a top-up must send and move, should this run be one (decided once the comparison is done).
  const plan = new TopUpPlan(work);
  try {
    const index = await storage.index(ctx.signal).catch((e: Error) => {
      throw new MirrorRunError('failed', `The mirror at ${target} cannot be read: ${networkReason(remoteOf(target), e.message) ?? e.message}`);
    });
    const layers = await store.layers(ctx.signal);
    const id = uniqueSnapshotId(startedAt, new Set([...index.names.map((n) => n.split('.')[0]!), ...layers]));
    const run = await startPointRun({ storage, kind: 'mirror', job: ctx.job, sources, id, startedAt, workDir: work, repriseVersion: repriseVersion(), signal: ctx.signal, index, ...(remote ? { hasher: listedHasher } : {}) });
    for (const w of run.warnings) ctx.log(`# warning: ${w}`);
    const features = await store.features(ctx.signal);
    const filter = await loadSourceFilter(exec, ctx.job.excludes, work, ctx.signal);

    // Names rclone shows differently (bytes that are not UTF-8 become U+FFFD): its words → record paths.
    const oddNames = new Map<string, string>();
    const deletedFiles: string[] = [];
    const sameSizeChanges = new Map<number, string[]>();
    const walkProblems: string[] = [];
    const baseDatabases = new Set((run.base?.sqlite ?? []).map((d) => d.path));
    const locate = (path: string): { source: number; rel: string } | null => {
      for (let k = 0; k < sources.length; k++) {
        const b = sources[k]!.base;
        if (path.startsWith(`${b}/`)) return { source: k, rel: path.slice(b.length + 1) };
      }
      return null;
    };
    // Entries the point lacks (unreadable at the source), by record path: History's failed files.
    const walkLacks = new Map<string, string>();
    ctx.progress({ step: 1, steps: sources.length, bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0, eta: null, fraction: 0, current: [{ name: 'comparing with the last restore point…', percent: 0, size: 0 }], errors: 0, elapsed: 0 });
    // A remote source is listed by rclone (excludes applied by it); a local one is walked from disk.
    const walked = remote
      ? batchesOf(streamEntries(await walkRemoteSources({ exec, sources, excludes: ctx.job.excludes, base: run.base ? run.reader.tree(run.base.id, undefined, ctx.signal) : null, workDir: work, signal: ctx.signal, onProblem: (m) => walkProblems.push(m) })))
      : walkSourceBatches({ sources, filter, xattrs: ctx.children, signal: ctx.signal, onProblem: (m) => walkProblems.push(m), oneThread: !run.base });

    const lack = new Map<string, string>();
    const problems: string[] = [];
    let fatal: string | null = null;
    let requests = 0;
    // rclone's errors name files by rclone's words; which of them the walk found unreadable, or named
    // oddly, is known once the walk is done. Until then they wait.
    let walkDone = false;
    const waitingErrors: Array<() => void> = [];
    const onLineOf = (i: number): ((line: string) => void) => {
      const baseText = textOf(sources[i]!.base);
      const classify = (line: string, parsed: ReturnType<typeof parseRcloneLine> & { type: 'error' }): void => {
        const json = jsonObjectOf(line);
        const isObject = typeof json?.objectType === 'string' && json.objectType.endsWith('Object') && parsed.object !== null;
        // A folder rclone could not list names itself as a plain string object.
        const isFolder = json?.objectType === 'string' && parsed.object !== null && /failed to open directory|error reading source directory/i.test(parsed.message);
        const rel = isObject || isFolder ? (oddNames.get(`${baseText}/${parsed.object}`) ?? binFromText(`${baseText}/${fromRcloneName(parsed.object!)}`)) : null;
        // A file the source's listing could not read already (a remote source that breaks off its
        // download: "unexpected EOF") is the same missing file when its copy fails, not a fault of the run.
        const known = rel !== null ? walkLacks.get(rel) : undefined;
        if (rel !== null && (known !== undefined || SOURCE_SIDE.test(parsed.message))) {
          lack.set(rel, known ?? `could not be read from the source: ${parsed.message.replace(/^Failed to copy: /, '')}`);
        } else if (!AFTERMATH.test(parsed.message)) {
          fatal ??= `${parsed.object && isObject ? `${parsed.object}: ` : ''}${parsed.message}`;
          problems.push(parsed.message);
        }
      };
      return (line) => {
        ctx.log(line);
        const parsed = parseRcloneLine(line);
        if (parsed.type === 'stats') {
          const s = parsed.stats;
          const fraction = s.totalBytes > 0 ? s.bytes / s.totalBytes : s.totalTransfers > 0 ? s.transfers / s.totalTransfers : 0;
          ctx.progress({ step: i + 1, steps: sources.length, bytes: copied.bytes + s.bytes, totalBytes: copied.bytes + s.totalBytes, files: copied.files + s.transfers, totalFiles: copied.files + s.totalTransfers, speed: s.speed, eta: s.eta, fraction: (i + Math.min(1, fraction)) / sources.length, current: s.transferring.map((t) => ({ name: t.name, percent: t.percentage, size: t.size })), errors: s.errors + lack.size, elapsed: s.elapsedTime });
          return;
        }
        if (parsed.type !== 'error') return;
        if (walkDone) classify(line, parsed);
        else waitingErrors.push(() => classify(line, parsed));
      };
    };
    const commonArgs = ['--retries', '1', '--no-unicode-normalization', ...jobTransferFlags(ctx.job)];
    /** `rclone sync` of source i into current/; `leaveOut`: --exclude flags beside the job's. */
    const syncSource = async (i: number, leaveOut: readonly string[], signal: AbortSignal): Promise<void> => {
      const real = remote ? sources[i]!.path : await realpath(sources[i]!.path);
      const baseText = textOf(sources[i]!.base);
      const synced = await rcloneStep(exec, [...LOG_ARGS, 'sync', ...commonArgs, '--backup-dir', joinTarget(target, MIRROR_VERSIONS, id, baseText), ...(features.listR ? ['--fast-list'] : []), ...ctx.job.excludes.map((e) => `--exclude=${e}`), ...leaveOut, '--', real, joinTarget(target, MIRROR_CURRENT, baseText)], signal, onLineOf(i));
      copied.files += synced.files;
      copied.bytes += synced.bytes;
      requests += synced.requests;
      await walkOver;
      await checkStep(synced, fatal, lack.size > 0, target, ctx);
    };

    // A first run into a destination holding no record at all copies while the sources are walked:
    // nothing there belongs to a point, so nothing can be lost before the intent is stored (files an
    // earlier such run left in current/ are moved aside into this run's version folder, which no
    // point reads). The names a database may have wait: the walk tells which are databases (copied
    // through SQLite) and which are plain files (copied by name after the sync).
    early = !remote && !ctx.dryRun && index.names.length === 0 && index.damaged.length === 0 ? new EarlySync(work, ctx.signal) : null;
    let releaseWalk = (): void => {};
    const walkOver = new Promise<void>((resolve) => (releaseWalk = resolve));
    if (early) {
      ctx.log('# first run into an empty destination: rclone copies while the sources are walked');
      // Into a local folder rclone need not hash what it copies (it hashes the source again after
      // each copy, to compare with what it wrote): the record's hash is Reprise's own read of the
      // source, and that, not rclone's, is what every restore and verify checks the copy against.
      const own = remoteOf(target) === null ? ['--ignore-checksum'] : [];
      early.start(async (signal) => {
        for (let i = 0; i < sources.length; i++) await syncSource(i, [`--exclude=${SQLITE_LIKE_GLOB}`, ...own], signal);
      });
    }
    const walkedBuilt = await run
      .build(walked, {
      // A first run copies every file anyway: their content is hashed while rclone copies.
      readLater: true,
      onEntry: (e) => {
        if (e.lack) walkLacks.set(e.path, e.lack);
        // rclone's words for a name: fromRcloneName reads them back, except for a name that is not
        // UTF-8 (its bytes come as U+FFFD), which is looked up here.
        if (!isUtf8Path(e.path)) oddNames.set(textOf(toRcloneName(e.path)), e.path);
        if (early && e.type === 'f' && !e.sqlite && !e.lack && sqliteLikeName(e.rel.slice(e.rel.lastIndexOf('/') + 1))) return early.heldBack.add(e.source, e.rel);
      },
      onChange: (item) => {
        const e = item.entry ?? item.before!;
        // A promise only when a list file asks to wait. A first run sends everything (no top-up).
        const listed = run.base ? plan.add(item, locate, (p) => baseDatabases.has(textOf(p))) : undefined;
        if (item.entry?.lack) walkLacks.set(item.entry.path, item.entry.lack);
        if (item.change === 'deleted' && item.before?.type === 'f') deletedFiles.push(item.before.path);
        // A new version with the size of the old one: a remote without times or hashes cannot tell them apart.
        if (item.entry?.type === 'f' && item.content && item.before?.type === 'f' && item.before.size === item.entry.size && !item.entry.sqlite) {
          const list = sameSizeChanges.get(item.entry.source) ?? [];
          list.push(item.entry.rel);
          sameSizeChanges.set(item.entry.source, list);
        }
        if (e.type !== 'd') ctx.change({ action: item.change === 'same' ? 'changed' : item.change, path: textOf(e.path), size: item.entry?.type === 'f' ? item.entry.size : null });
        return listed;
      },
      })
      .finally(() => {
        walkDone = true;
        for (const classify of waitingErrors.splice(0)) classify();
        releaseWalk();
      });
    for (const p of walkProblems.slice(0, 20)) ctx.log(`# could not read ${p}`);
    if (walkedBuilt.baseProblem) ctx.log(`# warning: ${walkedBuilt.baseProblem}`);
    const c = walkedBuilt.changes;
    await plan.close();
    const mode = chooseSyncMode({ base: run.base, lastComplete: run.lastComplete, points: run.reader.points, interrupted: run.interrupted.length, fullAsked: ctx.full === true, now: ctx.now(), changedFiles: plan.changedFiles });
    ctx.log(`# compared with ${run.base ? `restore point ${run.base.id}` : 'nothing (first run)'}: ${c.added} added, ${c.changed} changed, ${c.deleted} deleted`);

    // The deletion guard, before anything moves: an empty source (an unplugged disk) or one that
    // lost most of its files must never drain the mirror. It compares with the last complete point.
    if (walkedBuilt.totals.files === 0 && (run.lastComplete?.totals.files ?? 0) > 0) {
      throw new MirrorRunError('refused', `The sources hold no files, but the last complete restore point (${run.lastComplete!.id}) has ${run.lastComplete!.totals.files}. Syncing would empty the mirror, so nothing was changed. Is the disk connected?`);
    }
    const previousFiles = run.lastComplete?.totals.files;
    if (previousFiles !== undefined) {
      const limit = Math.max(MIN_DELETE, Math.floor(previousFiles * MAX_DELETE_SHARE));
      if (deletedFiles.length > limit) {
        throw new MirrorRunError('refused', `This run would delete ${deletedFiles.length} of the ${previousFiles} files of restore point ${run.lastComplete!.id} (more than ${Math.round(MAX_DELETE_SHARE * 100)}%), so nothing was changed. Check the sources; if the files really are gone, delete them from the mirror by hand or start a new mirror.`);
      }
    }
    if (ctx.dryRun) return { outcome: 'success', bytes: c.bytes, files: c.added + c.changed, errors: 0, firstError: null };

    const interruptedIds = run.interrupted.map((s) => s.id);
    for (const s of interruptedIds) ctx.log(`# run ${s} did not finish; what it moved stays in versions/${s} for the points before it, and this run puts current/ right`);
    // A full run that is due (asked for, or the weekly one) checks the remote even when nothing changed here.
    const nothingToDo = run.base !== null && c.added + c.changed + c.deleted === 0 && interruptedIds.length === 0 && !mode.reconcile;
    if (nothingToDo) {
      ctx.log(`# nothing changed since restore point ${run.base!.id}: no new point, the mirror is not listed (reprise verify checks it)`);
      await pruneMirror(ctx, store, storage, index);
      return { outcome: 'success', bytes: 0, files: 0, errors: 0, firstError: null };
    }

    await run.writeIntent(walkedBuilt);
    // The files left unread by the walk are hashed now, beside the copy; stopped with the run.
    const reading = run.readContentBeside(walkedBuilt, ctx.signal);
    endHashing = reading.stop;
    // What interrupted runs moved stays in their version folders (found by listing); their intents go.
    for (const s of run.interrupted) {
      await storage.remove(`${s.id}.intent.json`, ctx.signal).catch(() => {});
      await storage.remove(s.record.file, ctx.signal).catch(() => {});
    }

    ctx.log(`# ${mode.mode === 'top-up' ? 'top-up run' : 'full run'}: ${mode.why}`);
    const databases = run.sqliteRecords();
    await early?.done();
    for (let i = 0; i < sources.length; i++) {
      const src = sources[i]!;
      const baseText = textOf(src.base);
      const real = remote ? src.path : await realpath(src.path);
      const backupDir = joinTarget(target, MIRROR_VERSIONS, id, baseText);
      const dest = joinTarget(target, MIRROR_CURRENT, baseText);
      const onLine = onLineOf(i);
      if (early) {
        // Synced already, but for the files named like databases that are not: by name now.
        const held = early.heldBack.of(i);
        if (held) {
          const sent = await rcloneStep(exec, [...LOG_ARGS, 'copy', ...commonArgs, '--backup-dir', backupDir, '--no-traverse', '--files-from-raw', held.file, '--', real, dest], ctx.signal, onLine);
          copied.files += sent.files;
          copied.bytes += sent.bytes;
          requests += sent.requests;
          await checkStep(sent, fatal, lack.size > 0, target, ctx);
        }
      } else if (mode.mode === 'full') {
        const dbExcludes = databases
          .filter((d) => d.path.startsWith(`${baseText}/`))
          .flatMap((d) => {
            const rel = `/${escapeGlob(d.path.slice(baseText.length + 1))}`;
            return [rel, `${rel}-wal`, `${rel}-shm`, `${rel}-journal`].map((p) => `--exclude=${p}`);
          });
        await syncSource(i, dbExcludes, ctx.signal);
      } else {
        // Only the files the record says changed, looked up by name: no listing of current/. A
        // top-up follows a complete point, so the bucket and the folders are there: rclone need not
        // ask (on S3, a request each per step).
        const copies = plan.copies.of(i);
        if (copies) {
          const sent = await rcloneStep(exec, [...LOG_ARGS, 'copy', ...commonArgs, '--backup-dir', folderTarget(backupDir), '--no-traverse', '--s3-no-check-bucket', '--files-from-raw', copies.file, '--', real, folderTarget(dest)], ctx.signal, onLine);
          copied.files += sent.files;
          copied.bytes += sent.bytes;
          requests += sent.requests;
          await checkStep(sent, fatal, lack.size > 0, target, ctx);
        }
        // Deleted files leave current/ for versions/<run>, as a sync's --backup-dir would move them.
        const deletes = plan.deletes.of(i);
        if (deletes) {
          const moved = await rcloneStep(exec, [...LOG_ARGS, 'move', '--retries', '1', '--no-unicode-normalization', '--no-traverse', '--s3-no-check-bucket', '--files-from-raw', deletes.file, ...jobTransferFlags(ctx.job), '--', folderTarget(dest), folderTarget(backupDir)], ctx.signal, onLine);
          requests += moved.requests;
          await checkStep(moved, fatal, false, target, ctx);
        }
      }

      // A remote without modification times or hashes compares by size alone: a same-size edit would
      // never be uploaded. Reprise knows from the record which files changed, and sends those again.
      const forced = sameSizeChanges.get(i) ?? [];
      // The same holds when the source is a remote without times (WebDAV): rclone compares by size.
      const sourceTimes = remote ? await remoteKeepsTimes(exec, src.path, ctx.signal) : true;
      if (forced.length > 0 && ((!features.modtimes && features.hashes.length === 0) || !sourceTimes)) {
        const list = join(work, `forced-${i}`);
        await writeFile(list, Buffer.concat(forced.flatMap((r) => [bytesOf(toRcloneName(r)), Buffer.from('\n')])));
        ctx.log(`# ${forced.length} changed file(s) have their old size and this remote keeps no times or hashes: uploading them again`);
        const again = await rcloneStep(exec, [...LOG_ARGS, 'copy', ...commonArgs, '--backup-dir', backupDir, '--ignore-times', '--no-traverse', '--files-from-raw', list, '--', real, dest], ctx.signal, onLine);
        await checkStep(again, fatal, false, target, ctx);
        requests += again.requests;
        copied.files += again.files;
        copied.bytes += again.bytes;
      }
    }

    // Databases went around the sync: their consistent copies are uploaded one by one.
    for (const db of databases) {
      const recPath = binFromText(db.path);
      const copy = run.sqliteCopies.get(recPath);
      if (!copy) continue;
      const dir = db.path.includes('/') ? db.path.slice(0, db.path.lastIndexOf('/')) : '';
      const r = await rcloneStep(exec, [...LOG_ARGS, 'copyto', '--retries', '1', '--backup-dir', joinTarget(target, MIRROR_VERSIONS, id, dir), '--', copy.file, joinTarget(target, MIRROR_CURRENT, db.path)], ctx.signal, (l) => ctx.log(l));
      await checkStep(r, r.exitCode !== 0 && r.exitCode !== null ? `The database ${db.path} could not be uploaded: ${r.tail ?? `exit ${r.exitCode}`}` : null, false, target, ctx);
      copied.files++;
    }
    // …and a database deleted from the source leaves current/ the same way (the sync did not see it).
    for (const gone of deletedFiles) {
      const text = textOf(gone);
      if (!/\.(db|sqlite|sqlite3|db3)$/i.test(text) || !run.base?.sqlite.some((d) => d.path === text)) continue;
      const dir = text.includes('/') ? text.slice(0, text.lastIndexOf('/')) : '';
      await rcloneStep(exec, [...LOG_ARGS, 'moveto', '--retries', '1', '--', joinTarget(target, MIRROR_CURRENT, text), joinTarget(target, MIRROR_VERSIONS, id, dir, text.slice(dir.length + (dir ? 1 : 0)))], ctx.signal, (l) => ctx.log(l));
    }

    const built = await reading.done;
    const outcome = built.lacking.count > 0 || lack.size > 0 ? 'partial' : 'ok';
    const summary = await run.finish(built, { lack, outcome, transferred: { files: copied.files, bytes: copied.bytes, requests }, sync: mode.mode, warnings: [...walkProblems.slice(0, 50), ...problems.slice(0, 50)] });
    ctx.log(`# mirror restore point ${id}: ${outcome}; ${copied.files} file${copied.files === 1 ? '' : 's'} copied; ${requests} request${requests === 1 ? '' : 's'} (${mode.mode}); replaced and deleted files kept in versions/${id}`);
    for (const l of summary.lacking.sample.slice(0, 20)) ctx.log(`# lacking: ${l}`);
    await pruneMirror(ctx, store, storage);
    const lackingCount = summary.lacking.count;
    const failedFiles = [...new Map([...walkLacks, ...lack])].map(([path, error]) => ({ path: textOf(path), error }));
    return {
      failedFiles,
      outcome: outcome === 'ok' ? 'success' : 'partial',
      bytes: copied.bytes,
      files: copied.files,
      requests,
      sync: mode.mode,
      errors: lackingCount,
      firstError: outcome === 'ok' ? null : `${lackingCount} file${lackingCount === 1 ? '' : 's'} could not be backed up: ${summary.lacking.sample[0] ?? ''}`,
    };
  } finally {
    await early?.stop();
    await endHashing?.();
    await plan.destroy();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A first run's sync, started before its walk ends: stopped with the run (whatever ends it), its
 * failure kept for when the run waits for it.
 */
class EarlySync {
  private readonly stopper = new AbortController();
  private running: Promise<void> | null = null;
  /** Files named like databases that the walk found are not: the sync left them out. */
  readonly heldBack: PathLists;

  constructor(
    workDir: string,
    private readonly signal: AbortSignal,
  ) {
    this.heldBack = new PathLists(workDir, 'held-back');
  }

  start(sync: (signal: AbortSignal) => Promise<void>): void {
    this.running = sync(AbortSignal.any([this.signal, this.stopper.signal]));
    this.running.catch(() => {}); // awaited by done(); a failure while the walk runs must not go unhandled
  }

  /** The sync's end, and the held-back lists closed. */
  async done(): Promise<void> {
    await this.heldBack.close();
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    await this.running?.catch(() => {});
    await this.heldBack.destroy();
  }
}

interface StepResult {
  readonly exitCode: number | null;
  readonly cancelled: boolean;
  readonly stalled: boolean;
  readonly tail: string | null;
}

/** Ends the run when an rclone step did not finish: stopped by the user, killed, stalled, or failed for a reason other than unreadable source files. */
async function checkStep(step: StepResult, fatalText: string | null, onlySourceErrors: boolean, target: string, ctx: DestinationContext): Promise<void> {
  const intact = 'Every earlier restore point is intact; the next run finishes the job.';
  const remote = remoteOf(target);
  if (step.cancelled) throw new MirrorRunError('cancelled', `The mirror run was stopped. ${intact}`);
  if (step.stalled) {
    // A dead server: said as what it is, with what its port answers now.
    const address = remote ? await remoteAddress(ctx.rclone, remote).catch(() => null) : null;
    const reason = stallReason(remote, address, ctx.rclone.stallAfterMs ?? DEFAULT_STALL_MS, address ? await probeServer(address) : 'unknown');
    throw new MirrorRunError('failed', `${reason} ${intact}`, step.exitCode);
  }
  if (step.exitCode === null) throw new MirrorRunError('failed', `rclone was stopped by a signal. ${intact}`, null);
  const fatal = fatalText ? (networkReason(remote, fatalText) ?? fatalText) : null;
  // rclone 1.60 on a local disk says "preallocate: file too big for remaining disk space" before it writes.
  if (fatal && /no space left on device|too big for remaining disk space|quota exceeded|insufficient storage/i.test(fatal)) {
    throw new MirrorRunError('failed', `The destination ${target} is full (${fatal}). No new restore point was made and every earlier one is intact; free some space (or keep fewer restore points) and run again.`, step.exitCode);
  }
  if (fatal) throw new MirrorRunError('failed', `${fatal}. ${intact}`, step.exitCode);
  if (step.exitCode !== 0 && !onlySourceErrors) throw new MirrorRunError('failed', `rclone failed (exit ${step.exitCode}): ${step.tail ?? 'see the log'}. ${intact}`, step.exitCode);
}

/** Runs one rclone step with its log streamed; returns the exit and the totals of its last stats. */
async function rcloneStep(exec: RcloneExec, args: readonly string[], signal: AbortSignal, onLine: (line: string) => void): Promise<StepResult & { files: number; bytes: number; requests: number }> {
  let files = 0;
  let bytes = 0;
  let requests = 0;
  const r = await exec({
    args,
    signal,
    onStderrLine: (line) => {
      const parsed = parseRcloneLine(line);
      if (parsed.type === 'stats') {
        files = parsed.stats.transfers;
        bytes = parsed.stats.bytes;
        // rclone counts no HTTP requests; its checks, transfers, deletions and moves are the ones a run pays for.
        requests = parsed.stats.checks + parsed.stats.transfers + parsed.stats.deletes + parsed.stats.renames;
      }
      onLine(line);
    },
  });
  return { exitCode: r.exitCode, cancelled: r.cancelled, stalled: r.stalled === true, files, bytes, requests, tail: r.stderrTail.at(-1) ?? null };
}

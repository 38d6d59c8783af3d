// One snapshot run: walk the sources into the new point's record (hashing only what changed; a first
// run takes the hashes rsync computes as it copies), store it as an intent, let rsync build the tree in a staging folder with hard links to earlier points
// (-H -A -X -S: hard links, ACLs, xattrs, sparse files), copy databases consistently, then write the
// final record, rename the staging folder into place and point `latest` at it.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { chmod, link, lstat, mkdir, readdir, realpath, rename, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseRsyncStats, progressSampler, rsyncEta, rsyncTotalBytes } from './rsync-progress.js';
import { checkLocalDestination } from '../../scheduler/destination-presence.js';
import { LinkSample, linkWarning } from './link-check.js';
import { SnapshotError } from './snapshot-errors.js';
import { parseSnapshotId, uniqueSnapshotId } from '../point-ids.js';
import { execFor } from '../rclone-flags.js';
import { repriseVersion } from '../../version.js';
import type { DestinationContext, DestinationOutcome } from '../../runs/destination-runner.js';
import { bytesOf, textOf } from '../record/entry.js';
import { summaryName } from '../record/point-summary.js';
import { startPointRun } from '../record/point-run.js';
import { localRecordStorage } from '../record/record-storage.js';
import { loadSourceFilter } from '../record/source-filter.js';
import { type WalkSource, orderSources, walkSourceBatches } from '../record/tree-walk.js';
import { DELETING_PREFIX, LATEST_NAME, PREVIOUS_STAGING_PREFIX, STAGING_NAME, WORK_PREFIX, readLatest, snapshotFolderExists } from './snapshot-layout.js';
import { pruneSnapshotPoints } from './snapshot-prune.js';
import { LEAVE_OUT_LIMIT, LeaveOuts } from './leave-outs.js';
import { trimToRecord } from './staging-trim.js';
import { linkUnchanged } from './link-unchanged.js';
import { NulListWriter, both } from '../name-list.js';
import { openPrivateLog } from '../../process/log-tail.js';
import { RSYNC_SUM_ARGS, RsyncSums, type Sent, parseSumLine, rsyncSumsMd5, sentDiffers } from './rsync-sums.js';
import { SQLITE_LIKE_RSYNC_RULES, sqliteLikeName } from '../sqlite-copy.js';
import type { ChildResult } from '../../process/child.js';
import type { KnownHashes } from '../record/record-builder.js';

/** Runs one snapshot of the job into the destination folder and applies retention. */
export async function backupSnapshot(ctx: DestinationContext): Promise<DestinationOutcome> {
  // What rsync copied so far (its progress, until its stats): a stopped run says it rather than 0 B;
  // the next run links it from the interrupted run's staging folder instead of copying it again.
  const copied = { files: 0, bytes: 0 };
  try {
    return await runSnapshot(ctx, copied);
  } catch (thrown) {
    // Stopped while walking or hashing, before rsync ran: a cancel like any other.
    if (ctx.signal.aborted) return { outcome: 'cancelled', bytes: copied.bytes, files: copied.files, errors: 0, firstError: 'The snapshot was stopped before it finished. The previous snapshots are untouched.' };
    // The destination filled while Reprise wrote its own files there (lists, the record, the links
    // of unchanged files): said as rsync's full disk is, and, as then, the half-made snapshot goes,
    // so that it does not hold the space the user is asked to free (on tmpfs even a hard link
    // takes one of the file system's inodes).
    const full = (thrown as NodeJS.ErrnoException)?.code === 'ENOSPC';
    const e = full ? new SnapshotError('destination-full', `The destination ${ctx.dest.target} is full. No snapshot was taken; free some space (or prune old snapshots) and run again.`) : thrown;
    if (!(e instanceof SnapshotError)) throw e;
    if (full && isAbsolute(ctx.dest.target)) await rm(join(resolve(ctx.dest.target), STAGING_NAME), { recursive: true, force: true }).catch(() => undefined);
    ctx.log(`# snapshot failed (${e.kind}): ${e.message}`);
    if (e.stderrTail) for (const l of e.stderrTail.split('\n').slice(-10)) if (l) ctx.log(`# rsync: ${l}`);
    switch (e.kind) {
      case 'cancelled':
        return { outcome: 'cancelled', bytes: copied.bytes, files: copied.files, errors: 0, firstError: e.message };
      case 'destination-missing':
        return { outcome: 'skipped', bytes: 0, files: 0, errors: 0, firstError: e.message };
      default:
        return { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: e.message, failure: { tool: 'rsync', exitCode: e.exitCode ?? null, kind: e.kind } };
    }
  }
}

/** Beyond this many files to copy, a later run does not check what rsync sent against the record (memory). */
const SEND_CHECK_LIMIT = 20_000;

// rsync's words for a file it could not take; the path is the first quoted part.
const UNREADABLE = /^rsync: \[sender\] (?:send_files failed to open|read errors mapping|opendir) "(.+?)"(?: failed)?: (.*)$/;
const VANISHED = /^file has vanished: "(.+)"$/;
/** Whether rsync ran to its end: 23 and 24 say some files could not be read or vanished, which the point records. */
const rsyncEnded = (r: ChildResult): boolean => r.exitCode === 0 || r.exitCode === 23 || r.exitCode === 24;
/** Between the outputs of a first run's rsyncs over several sources in one file: no rsync line holds a NUL. */
const SOURCE_MARK = '\0reprise-source ';

async function runSnapshot(ctx: DestinationContext, copied: { files: number; bytes: number }): Promise<DestinationOutcome> {
  const dest = await checkDestination(ctx.dest.target);
  const sources = await checkSources(ctx.job.sources);
  await cleanLeftovers(dest, ctx.log);
  const startedAt = new Date(ctx.now());
  const storage = localRecordStorage(dest);
  const taken = new Set((await readdir(dest)).filter((n) => parseSnapshotId(n)));
  const index = await storage.index(ctx.signal);
  for (const n of index.names) taken.add(n.split('.')[0]!);
  const id = uniqueSnapshotId(startedAt, taken);
  const work = join(dest, `${WORK_PREFIX}${id}`);
  await mkdir(work, { recursive: true });
  const lists: NulListWriter[] = [];
  let endHashing: (() => Promise<void>) | null = null;
  let stopEarly: (() => Promise<void>) | null = null;
  try {
    const run = await startPointRun({
      storage,
      index,
      kind: 'snapshot',
      job: ctx.job,
      sources,
      id,
      startedAt,
      workDir: work,
      repriseVersion: repriseVersion(),
      signal: ctx.signal,
      isPoint: (s) => snapshotFolderExists(dest, s.id),
    });
    for (const w of run.warnings) ctx.log(`# warning: ${w}`);
    for (const s of run.interrupted) {
      ctx.log(`# run ${s.id} was interrupted before it finished; it never became a restore point, and what it copied is reused`);
      if (!ctx.dryRun) {
        await run.reader.storage.remove(`${s.id}.intent.json`).catch(() => {});
        await run.reader.storage.remove(s.record.file).catch(() => {});
      }
    }
    const exec = execFor(ctx.rclone);
    // rsync 3.2+ prints each file it sends with its size, time and MD5 (rsync-sums.ts): a first
    // snapshot takes the hashes from there, and every run checks that what rsync sent is what the
    // record says (a file edited between the walk and the copy is not the recorded one).
    const sumsOk = await rsyncSumsMd5(ctx.children, ctx.tools.rsync);
    await mkdir(join(work, 'empty'), { recursive: true });
    const filter = await loadSourceFilter(exec, ctx.job.excludes, join(work, 'empty'), ctx.signal);

    // The paths the record lists, per source (NUL-separated, bytes as they are): what the staging
    // tree is trimmed to after the copy, and what rsync copies from when a source has too many
    // left-out paths to name them as rules.
    for (let i = 0; i < sources.length; i++) lists.push(new NulListWriter(join(work, `list-${i}`)));
    // After a small change, Reprise links the unchanged files from the base snapshot itself and
    // rsync copies only folders and what changed (see link-unchanged.ts). The candidates: plain
    // files outside hard-link groups, in record order; what changed is taken out of them later.
    const candidates = run.base ? sources.map((_, i) => new NulListWriter(join(work, `candidates-${i}`))) : null;
    lists.push(...(candidates ?? []));
    const changedRel: Set<string>[] = sources.map(() => new Set());
    const groupFirsts: Set<string>[] = sources.map(() => new Set());
    // Beyond this many changes rsync's own --link-dest over the tree is as cheap, and the set stays small.
    const changeLimit = Math.max(1000, Math.floor((run.base?.totals.files ?? 0) / 10));
    let changedCount = 0;
    // Files whose bytes the comparison says must be copied: the count shown if rsync's own is lost.
    let contentFiles = 0;
    // A later run's files to copy, with their recorded size and time, checked against what rsync
    // sends (a first run checks while it takes the sums); at most SEND_CHECK_LIMIT, to stay small.
    const toSend: Array<Map<string, { size: number; mtime: string }>> | null = sumsOk && run.base ? sources.map(() => new Map()) : null;
    let toSendCount = 0;
    // Record paths rsync sent in another state than the record's: marked as missing from the point.
    const changedDuring = new Set<string>();
    // rsync copies each source recursively, as fast as it copies anything, told to leave out what
    // the walk left out (excludes, databases copied apart and their sidecars, whatever it skipped).
    const leaveOuts = sources.map(() => new LeaveOuts());
    // Folder times as recorded (path, then time; in record order, as the trim meets the folders): a
    // folder changed between the walk and rsync gets its recorded time. A file, not a map: at a
    // million files the map held ~90k folders' paths and times all run long.
    const dirTimes = sources.map((_, i) => new NulListWriter(join(work, `dir-times-${i}`)));
    lists.push(...dirTimes);
    const walkProblems: string[] = [];
    // Entries the point lacks (unreadable at the source), by record path: History's failed files.
    const walkLacks = new Map<string, string>();
    const links = run.base ? new LinkSample(run.base.totals.files) : null;

    const staging = join(dest, STAGING_NAME);
    const lack = new Map<string, string>();
    // Files rsync could not read (its "failed: Permission denied" lines), apart from those that vanished.
    const unreadable = new Map<string, string>();
    const warnings: string[] = [];
    const vanished = new Set<string>();
    let transferredFiles = 0;
    let transferredBytes = 0;
    let lostStats = false;
    const started = ctx.now();
    // The files left unread by the walk (a first snapshot's) take the MD5 rsync computes as it
    // copies each one (rsync-sums.ts); what rsync does not name is read beside it.
    let sums: RsyncSums | null = null;
    let checkSent = false;

    /** rsync's stdout for source i: progress redraws shown, sums taken (or checked), the rest (its stats) kept in `rest`. */
    const stdoutOf = (i: number, rest: string[]): { line(line: string): void; flush(): void } => {
      const base = sources[i]!.base;
      const progress = progressSampler((p) => {
        copied.files = transferredFiles + (p.transfers ?? 0);
        copied.bytes = transferredBytes + p.bytes;
        const fraction = Math.min(1, p.percent / 100);
        ctx.progress({ step: i + 1, steps: sources.length, bytes: p.bytes, totalBytes: rsyncTotalBytes(p), files: p.transfers ?? 0, totalFiles: p.totalFiles ?? 0, speed: p.speed, eta: rsyncEta(p), fraction: (i + fraction) / sources.length, current: [], errors: lack.size, elapsed: (ctx.now() - started) / 1000 });
      });
      return {
        line(line) {
          if (progress.line(line)) return;
          const sent = sumsOk ? parseSumLine(line) : null;
          if (sent === null) rest.push(line);
          else if (sent !== 'itemized') {
            if (sums) sums.add(`${base}/${sent.name}`, sent);
            else if (checkSent) {
              const e = toSend![i]!.get(sent.name);
              if (e && sentDiffers(sent, e.size, e.mtime)) changedDuring.add(`${base}/${sent.name}`);
            }
          }
        },
        flush: () => progress.flush(),
      };
    };

    /** One rsync over source i into the staging folder (-H -A -X -S: hard links, ACLs, xattrs, sparse files). */
    const rsyncSource = async (i: number, o: { readonly list: string | null; readonly rules: string | null; readonly sums: boolean; readonly linkDests: readonly string[]; readonly stdoutFd: number; readonly signal: AbortSignal }) => {
      const src = sources[i]!;
      const real = await realpath(src.path);
      const into = join(staging, textOf(src.base));
      await mkdir(into, { recursive: true });
      return ctx.children.run({
        command: ctx.tools.rsync,
        args: [
          '-aHAXS',
          '--numeric-ids',
          '--from0',
          ...(o.list ? [`--files-from=${o.list}`] : []),
          ...(o.rules ? [`--exclude-from=${o.rules}`] : []),
          '--info=progress2',
          '--stats',
          ...(o.sums ? RSYNC_SUM_ARGS : []),
          ...o.linkDests.map((d) => `--link-dest=${join(d, textOf(src.base))}`),
          '--',
          `${real}/`,
          `${into}/`,
        ],
        // TZ: the sent files' times (%M) are printed in rsync's local time.
        env: { LC_ALL: 'C', TZ: 'UTC' },
        signal: o.signal,
        stdoutFd: o.stdoutFd,
        onLine: (line, stream) => {
          if (stream === 'stdout') return;
          const u = UNREADABLE.exec(line);
          const v = VANISHED.exec(line);
          const abs = u?.[1] ?? v?.[1];
          if (abs !== undefined && abs.startsWith(`${real}/`)) {
            const rel = Buffer.from(abs.slice(real.length + 1), 'utf8').toString('latin1');
            lack.set(`${src.base}/${rel}`, v ? 'vanished while the snapshot was taken' : `rsync could not read it: ${u![2]}`);
            if (v) vanished.add(`${src.base}/${rel}`);
            else unreadable.set(`${src.base}/${rel}`, `rsync could not read it: ${u![2]}`);
          } else if (line.startsWith('rsync') || line.startsWith('file has')) {
            if (warnings.length < 100) warnings.push(line);
          }
        },
      });
    };

    /** Ends the run as rsync's end says when it did not finish; otherwise counts what it copied. */
    const checkRsync = async (i: number, r: ChildResult, rest: readonly string[]): Promise<void> => {
      if (r.spawnError) throw new SnapshotError('spawn-failed', 'rsync could not be started. Install rsync 3.x and make sure it is on the PATH.');
      const tail = r.stderrTail.join('\n');
      if (/No space left on device/i.test(tail)) {
        // Nothing half-written may ever pass for a snapshot, and the space is better given back now.
        await rm(staging, { recursive: true, force: true });
        throw new SnapshotError('destination-full', `The destination ${dest} is full. No snapshot was taken; free some space (or prune old snapshots) and run again.`, { ...(r.exitCode !== null ? { exitCode: r.exitCode } : {}), stderrTail: tail });
      }
      if (r.cancelled) throw new SnapshotError('cancelled', 'The snapshot was stopped before it finished. The previous snapshots are untouched; the next run picks up where this one stopped.', { stderrTail: tail });
      if (r.exitCode === null) throw new SnapshotError('rsync-failed', `rsync was stopped by a signal (${r.signal ?? 'unknown'}). The previous snapshots are untouched; the next run picks up where this one stopped.`, { stderrTail: tail });
      if (!rsyncEnded(r)) {
        throw new SnapshotError('rsync-failed', `rsync failed with exit code ${r.exitCode}. The previous snapshots are untouched.`, { exitCode: r.exitCode, stderrTail: tail });
      }
      const stats = parseRsyncStats(rest);
      if (stats.transferredFiles === undefined) {
        // rsync goes on when its output cannot be written (the temporary folder is full): the
        // snapshot is whole, but its statistics never arrived, nor part of its progress and sums.
        const w = `rsync's statistics for ${textOf(sources[i]!.base)} were lost: its output goes to a file in the temporary folder ${tmpdir()}, which could not hold it (is it full?). The snapshot is whole; the numbers of files and bytes copied are those the comparison expected.`;
        ctx.log(`# warning: ${w}`);
        if (warnings.length < 100) warnings.push(w);
        lostStats = true;
      }
      transferredFiles += stats.transferredFiles ?? 0;
      transferredBytes += stats.transferredFileSize ?? 0;
      copied.files = transferredFiles;
      copied.bytes = transferredBytes;
    };

    // A first snapshot into a destination that holds nothing of Reprise's copies while the sources
    // are walked (as a mirror's first run does): no point exists that a half-made one could touch,
    // and a run killed before its intent leaves only a staging folder, which the next run links
    // from and never takes for a point. rsync leaves out every name a database may have; the walk
    // tells which are live databases (copied through SQLite, as always) and which are plain files
    // (copied after, by name). Its output waits in its file until the walk is done, and is read
    // only as the record takes the sums (RsyncSums.onHungry), so the sums held stay few.
    const early = index.names.length === 0 && index.damaged.length === 0 && !ctx.dryRun && sumsOk && ctx.job.excludes.length === 0 && !(await exists(staging)) ? await startEarlyCopy() : null;
    async function startEarlyCopy() {
      await mkdir(staging);
      const rules = join(work, 'early-rules');
      await writeFile(rules, `${SQLITE_LIKE_RSYNC_RULES.join('\0')}\0`);
      sums = new RsyncSums();
      const theSums = sums;
      const stopper = new AbortController();
      const rest: string[][] = sources.map(() => []);
      const outs = sources.map((_, i) => stdoutOf(i, rest[i]!));
      let source = 0;
      let walkOver = false;
      let readingOver = false;
      // rsync over each source in turn, all into one output file; a line naming the next source sits between them.
      const log = openPrivateLog(
        'rsync',
        (line) => {
          if (line.startsWith(SOURCE_MARK)) source = Number(line.slice(SOURCE_MARK.length));
          else outs[source]!.line(line);
        },
        200,
        () => walkOver && (readingOver || theSums.size < RsyncSums.AHEAD * 1.5),
      );
      theSums.onHungry = () => log.drain();
      const heldBack = sources.map((_, i) => new NulListWriter(join(work, `held-back-${i}`)));
      const heldPaths = new Set<string>();
      const heldCount = sources.map(() => 0);
      const results: ChildResult[] = [];
      const running = (async () => {
        for (let i = 0; i < sources.length; i++) {
          if (i > 0) writeSync(log.fd, `\n${SOURCE_MARK}${i}\n`);
          const r = await rsyncSource(i, { list: null, rules, sums: true, linkDests: [], stdoutFd: log.fd, signal: AbortSignal.any([ctx.signal, stopper.signal]) });
          results.push(r);
          if (r.cancelled || r.spawnError || !rsyncEnded(r)) break;
        }
      })();
      running.catch(() => {}); // awaited after the walk; a failure while it walks must not go unhandled
      ctx.log('# first snapshot into an empty destination: rsync copies while the sources are walked');
      return {
        /**
         * An entry rsync's pass leaves out: named like a database but none (a live one is copied
         * through SQLite), or a hard link to such a file. Copied by name after, with the first name
         * of its hard-link group, so that rsync -H links them again.
         */
        holdBack(i: number, rel: string, path: string, leader: { readonly rel: string; readonly path: string } | null): void | Promise<void> {
          heldPaths.add(path);
          heldCount[i]!++;
          const a = heldBack[i]!.add(rel);
          return leader === null || heldPaths.has(leader.path) ? a : both(a, heldBack[i]!.add(leader.rel));
        },
        isHeldBack: (path: string): boolean => heldPaths.has(path),
        walkDone(): void {
          walkOver = true;
        },
        readingDone(): void {
          readingOver = true;
          log.drain();
        },
        /** Waits for rsync, reads the rest of its output, then copies the held-back files; throws as the run ends if rsync did not finish. */
        async finish(): Promise<void> {
          await running;
          await log.readToEnd();
          for (const o of outs) o.flush();
          for (let i = 0; i < results.length; i++) await checkRsync(i, results[i]!, rest[i]!);
          for (let i = 0; i < sources.length; i++) {
            const held = heldBack[i]!;
            await held.close();
            if (heldCount[i] === 0) continue;
            const heldRest: string[] = [];
            const out = stdoutOf(i, heldRest);
            const heldLog = openPrivateLog('rsync', (line) => out.line(line));
            const r = await rsyncSource(i, { list: held.file, rules: null, sums: false, linkDests: [], stdoutFd: heldLog.fd, signal: ctx.signal }).finally(() => {
              heldLog.finish();
              out.flush();
            });
            await checkRsync(i, r, heldRest);
          }
        },
        async stop(): Promise<void> {
          stopper.abort();
          await running.catch(() => {});
          log.finish();
          await Promise.all(heldBack.map((h) => h.destroy()));
        },
      };
    }
    if (early) stopEarly = early.stop;

    ctx.progress({ step: 1, steps: 2, bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0, eta: null, fraction: 0, current: [{ name: run.base ? 'comparing with the last snapshot…' : 'reading the sources…', percent: 0, size: 0 }], errors: 0, elapsed: 0 });
    const walkedBuilt = await run.build(walkSourceBatches({ sources, filter, xattrs: ctx.children, signal: ctx.signal, onProblem: (m) => walkProblems.push(m), oneThread: !run.base }), {
      // A first snapshot copies every file anyway: their content is hashed while rsync copies.
      readLater: true,
      onEntry: (e) => {
        if (e.lack) walkLacks.set(e.path, e.lack);
        if (e.type === 'f' && !e.sqlite && !e.hardlink) links?.offer(e.path);
        leaveOuts[e.source]!.entry(e.rel, e.type === 'd', !e.sqlite, e.listed);
        const t = e.type === 'd' ? dirTimes[e.source]!.add(e.rel, e.mtime) : undefined;
        if (e.sqlite) return t;
        if (e.hardlink) groupFirsts[e.source]!.add(e.hardlink.slice(e.path.length - e.rel.length));
        const p = candidates && e.type === 'f' && !e.lack && !e.hardlink ? candidates[e.source]!.add(e.rel) : undefined;
        const q = lists[e.source]!.add(e.rel === '' ? '.' : e.rel);
        const held = early !== null && e.type !== 'd' && !e.lack && (sqliteLikeName(e.rel.slice(e.rel.lastIndexOf('/') + 1)) || (e.hardlink !== undefined && early.isHeldBack(e.hardlink)));
        const h = held ? early.holdBack(e.source, e.rel, e.path, e.hardlink ? { rel: e.hardlink.slice(e.path.length - e.rel.length), path: e.hardlink } : null) : undefined;
        return both(both(t, h), both(p, q));
      },
      onChange: (item) => {
        const e = item.entry ?? item.before!;
        if (item.content && item.entry?.type === 'f') {
          contentFiles++;
          if (toSend && !item.entry.sqlite && ++toSendCount <= SEND_CHECK_LIMIT) toSend[item.entry.source]!.set(item.entry.rel, { size: item.entry.size, mtime: item.entry.mtime });
          else if (toSendCount === SEND_CHECK_LIMIT + 1) for (const m of toSend ?? []) m.clear();
        }
        if (item.entry && changedCount <= changeLimit) {
          changedCount++;
          changedRel[item.entry.source]!.add(item.entry.rel);
        }
        if (item.entry?.lack) walkLacks.set(item.entry.path, item.entry.lack);
        links?.changed(e.path);
        if (e.type === 'd') return;
        ctx.change({ action: item.change === 'same' ? 'changed' : item.change, path: textOf(e.path), size: item.entry?.type === 'f' ? item.entry.size : null });
      },
    });
    for (const l of lists) await l.close();
    for (const l of leaveOuts) l.finishAll();
    for (const p of walkProblems.slice(0, 20)) ctx.log(`# could not read ${p}`);
    if (walkedBuilt.baseProblem) ctx.log(`# warning: ${walkedBuilt.baseProblem}`);
    const c = walkedBuilt.changes;
    ctx.log(`# compared with ${run.base ? `snapshot ${run.base.id}` : 'nothing (first snapshot)'}: ${c.added} added, ${c.changed} changed, ${c.deleted} deleted`);

    if (ctx.dryRun) return { outcome: 'success', bytes: c.bytes, files: c.added + c.changed, errors: 0, firstError: null };

    const latest = await readLatest(dest);
    if (run.base && c.added + c.changed + c.deleted === 0 && run.sqliteCopies.size === 0) {
      // Nothing changed: the newest snapshot is confirmed instead of building an identical tree.
      const confirmedAt = new Date(ctx.now()).toISOString();
      await storage.putText(summaryName(run.base.id), `${JSON.stringify({ ...run.base, confirmations: [...run.base.confirmations, confirmedAt] })}\n`);
      if (!latest || !('id' in latest) || latest.id !== run.base.id) await swapLatest(dest, run.base.id, ctx.log);
      ctx.log(`# nothing changed since snapshot ${run.base.id}: confirmed at ${confirmedAt}, no new tree built`);
      await pruneSnapshotPoints(ctx, dest);
      return { outcome: 'success', bytes: 0, files: 0, errors: 0, firstError: null };
    }

    await run.writeIntent(walkedBuilt);
    if (!early && walkedBuilt.pending > 0 && sumsOk) sums = new RsyncSums();
    const theSums = walkedBuilt.pending > 0 ? sums : null;
    const known: KnownHashes | undefined = theSums
      ? (line, signal) => {
          // Copied after rsync's pass, without sums: read from the source.
          if (early?.isHeldBack(line.path)) {
            theSums.counts.read++;
            return undefined;
          }
          const check = (sent: Sent | undefined): string | undefined => {
            if (sent && sentDiffers(sent, line.size, line.mtime)) changedDuring.add(line.path);
            return sent?.md5;
          };
          const got = theSums.take(line.path, signal);
          return got instanceof Promise ? got.then(check) : check(got);
        }
      : undefined;
    const reading = run.readContentBeside(walkedBuilt, ctx.signal, known);
    checkSent = toSend !== null && toSendCount <= SEND_CHECK_LIMIT;
    endHashing = reading.stop;
    if (early) {
      early.walkDone();
      // Once the record has taken what it wants, the rest of rsync's output is read without waiting for it.
      reading.done.then(early.readingDone, early.readingDone);
    }
    const linkDests: string[] = [];
    if (run.base) linkDests.push(join(dest, run.base.id));
    if (run.lastComplete && run.lastComplete.id !== run.base?.id) linkDests.push(join(dest, run.lastComplete.id));
    if (!early) {
      // An interrupted run's staging folder: what it already copied is linked, not copied again.
      if (await exists(staging)) {
        const previous = join(dest, `${PREVIOUS_STAGING_PREFIX}${randomBytes(4).toString('hex')}`);
        await rename(staging, previous);
        linkDests.push(previous);
      }
      await mkdir(staging);
    }
    const ownLinks = candidates !== null && changedCount <= changeLimit && (await exists(join(dest, run.base!.id)));

    if (early) await early.finish();
    else {
      for (let i = 0; i < sources.length; i++) {
        const src = sources[i]!;
        const leaveOut = leaveOuts[i]!;
        let rsyncList: string | null = null;
        if (ownLinks) {
          const into = join(staging, textOf(src.base));
          await mkdir(into, { recursive: true });
          const from = Buffer.concat([Buffer.from(join(dest, run.base!.id)), Buffer.from('/'), bytesOf(src.base)]);
          const changed = changedRel[i]!;
          const firsts = groupFirsts[i]!;
          rsyncList = join(work, `rsync-${i}`);
          const l = await linkUnchanged({ from, into: Buffer.from(into), list: join(work, `list-${i}`), candidates: join(work, `candidates-${i}`), toRsync: (rel) => changed.has(rel.toString('latin1')) || firsts.has(rel.toString('latin1')), out: rsyncList, signal: ctx.signal });
          ctx.log(`# ${textOf(src.base)}: ${l.linked} unchanged files linked to snapshot ${run.base!.id}; rsync copies the other ${l.toRsync} entries`);
        }
        const recursive = rsyncList === null && leaveOut.size <= LEAVE_OUT_LIMIT;
        const leaveOutFile = join(work, `leave-out-${i}`);
        // By the list, rsync reads the source root's "." as "and its own entries" (--files-from
        // implies --dirs): what the walk left out at the top of a source is named to it still.
        await writeFile(leaveOutFile, recursive ? leaveOut.recursiveRules() : leaveOut.topLevelRules());
        if (!recursive && rsyncList === null) ctx.log(`# ${textOf(src.base)}: ${leaveOut.size} paths left out, too many to name to rsync; copied by the list of its files (slower)`);
        rsyncList ??= recursive ? null : join(work, `list-${i}`);
        const rest: string[] = [];
        const out = stdoutOf(i, rest);
        // rsync writes a progress line for every file it copies: into a file read every 200 ms, not
        // a pipe, which wakes Reprise for each line and on two cores slowed rsync itself (see
        // process/log-tail.ts; measured in the README).
        const progressLog = openPrivateLog('rsync', (line) => out.line(line));
        const r = await rsyncSource(i, { list: rsyncList, rules: leaveOutFile, sums: sumsOk, linkDests, stdoutFd: progressLog.fd, signal: ctx.signal }).finally(() => {
          progressLog.finish();
          out.flush();
        });
        await checkRsync(i, r, rest);
      }
    }
    if (lostStats) {
      transferredFiles = contentFiles;
      transferredBytes = c.bytes;
    }

    sums?.end();

    // Databases: the consistent copies made while hashing, or the unchanged copy of the base point.
    for (const db of run.sqliteRecords()) {
      const recPath = Buffer.from(db.path, 'utf8').toString('latin1');
      const target = join(staging, db.path);
      const copy = run.sqliteCopies.get(recPath);
      try {
        if (copy) await rename(copy.file, target);
        else if (run.base) await link(join(dest, run.base.id, db.path), target);
        await chmod(target, db.mode);
        const t = Number(BigInt(db.mtime) / 1000n) / 1e6;
        await utimes(target, t, t);
        // utimes rounds through a double; the record (and verify) want the time to the nanosecond.
        if ((await lstat(target, { bigint: true })).mtimeNs.toString() !== db.mtime) await retime(ctx, join(work, 'retime-db'), Buffer.from(target), db.mtime);
      } catch (e) {
        lack.set(recPath, `the database copy could not be placed: ${(e as Error).message}`);
        unreadable.set(recPath, `the database copy could not be placed: ${(e as Error).message}`);
      }
    }

    // The tree holds what the record lists, nothing more: a file that appeared after the walk goes,
    // one that went is lacking, and a folder's time is the recorded one.
    for (let i = 0; i < sources.length; i++) {
      const base = sources[i]!.base;
      const prefix = `${base}/`;
      const asked = new Set([...lack.keys()].filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)));
      const alsoKept = new Set(run.sqliteRecords().map((db) => Buffer.from(db.path, 'utf8').toString('latin1')).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length)));
      const t = await trimToRecord({ root: join(staging, textOf(base)), list: join(work, `list-${i}`), alsoKept, dirTimes: dirTimes[i]!.file, asked, signal: ctx.signal });
      // rsync's words about a path the record does not list (it appeared after the walk) are no lack.
      for (const rel of asked) {
        if (t.listed.has(rel) || alsoKept.has(rel)) continue;
        lack.delete(prefix + rel);
        unreadable.delete(prefix + rel);
        vanished.delete(prefix + rel);
      }
      for (const rel of t.missing) {
        const path = prefix + rel;
        if (lack.has(path) || walkLacks.has(path)) continue;
        let folder = path;
        let why: string | undefined;
        while (why === undefined && folder.includes('/')) why = lack.get((folder = folder.slice(0, folder.lastIndexOf('/'))));
        lack.set(path, why ?? 'vanished while the snapshot was taken');
        if (why === undefined) vanished.add(path);
      }
      if (t.removed > 0) ctx.log(`# ${t.removed} entr${t.removed === 1 ? 'y' : 'ies'} of ${textOf(base)} appeared after it was read and were left out of the snapshot`);
      for (const [k, d] of t.retime.entries()) await retime(ctx, join(work, `retime-${k}`), d.abs, d.mtime);
    }

    // Unchanged files must be links to the previous snapshot; a broken --link-dest is said, not hidden.
    if (links && run.base) {
      const checked = await links.check(staging, join(dest, run.base.id));
      const warning = linkWarning(checked, run.base.id);
      ctx.log(`# hard links checked: ${checked.checked - checked.copies.length} of ${checked.checked} sampled unchanged files are links to ${run.base.id}`);
      if (warning) {
        ctx.log(`# warning: ${warning}`);
        warnings.unshift(warning);
      }
    }
    const built = await reading.done;
    if (sums) ctx.log(`# content hashes: ${sums.counts.fromRsync} taken from rsync's copy, ${sums.counts.read} read from the source${sums.unclaimed > 0 ? ` (${sums.unclaimed} of rsync's sums unused: files that appeared after the walk, or sums past the ${RsyncSums.AHEAD * 2} that may wait)` : ''}`);
    else if (walkedBuilt.pending > 0) ctx.log(`# content hashes: ${walkedBuilt.pending} read from the source (this rsync cannot sum in MD5 as it copies; rsync 3.2 or newer can)`);
    // Edited between the walk and the copy: the snapshot holds another file than the record says, so
    // the point does not claim it (a restore would bring back bytes it cannot verify); the next run,
    // seeing it missing from this point, copies it again.
    for (const path of changedDuring) {
      if (lack.has(path)) continue;
      lack.set(path, 'changed while the snapshot was taken; the next run backs it up');
      vanished.add(path);
    }
    if (changedDuring.size > 0) ctx.log(`# ${changedDuring.size} file${changedDuring.size === 1 ? '' : 's'} changed between the comparison and rsync's copy: left out of this point, the next run backs ${changedDuring.size === 1 ? 'it' : 'them'} up (first: ${textOf([...changedDuring][0]!)})`);
    const walkLacking = built.lacking.count;
    const outcome = walkLacking > 0 || lack.size > vanished.size ? 'partial' : lack.size > 0 ? 'warning' : 'ok';
    const summary = await run.finish(built, { lack, outcome, transferred: { files: transferredFiles, bytes: transferredBytes }, warnings: [...walkProblems.slice(0, 50), ...warnings] });
    await rename(staging, join(dest, id));
    await swapLatest(dest, id, ctx.log);
    for (const name of await readdir(dest)) if (name.startsWith(PREVIOUS_STAGING_PREFIX)) await rm(join(dest, name), { recursive: true, force: true });
    ctx.log(`# snapshot ${id}: ${outcome}, ${summary.totals.files} files, ${transferredFiles} copied (${transferredBytes} bytes), the rest hard-linked to ${run.base?.id ?? 'nothing'}`);
    for (const l of summary.lacking.sample.slice(0, 20)) ctx.log(`# lacking: ${l}`);
    await pruneSnapshotPoints(ctx, dest);
    const lackingCount = summary.lacking.count;
    const firstError = outcome === 'ok' ? null : lackingCount > 0 ? `${lackingCount} file${lackingCount === 1 ? '' : 's'} could not be backed up: ${summary.lacking.sample[0] ?? ''}` : 'Some files vanished while the snapshot was taken.';
    const failedFiles = [...new Map([...walkLacks, ...unreadable])].map(([path, error]) => ({ path: textOf(path), error }));
    return { failedFiles, outcome: outcome === 'ok' ? 'success' : 'partial', bytes: transferredBytes, files: transferredFiles, errors: outcome === 'ok' ? 0 : Math.max(1, lackingCount), firstError };
  } finally {
    await stopEarly?.();
    await endHashing?.();
    await Promise.all(lists.map((l) => l.destroy()));
    await rm(work, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A first snapshot may create its folder, but only where that cannot mean "the drive is not
 * plugged in": never under /media, /mnt, /Volumes… (an empty mount point would fill the system disk).
 */
async function checkDestination(destination: string): Promise<string> {
  if (!isAbsolute(destination)) throw new SnapshotError('destination-missing', `The destination must be an absolute path: ${destination}`);
  const abs = resolve(destination);
  try {
    if ((await stat(abs)).isDirectory()) return abs;
  } catch {
    if (checkLocalDestination(abs, { everUsed: false }).present) {
      await mkdir(abs, { recursive: true });
      return abs;
    }
  }
  throw new SnapshotError('destination-missing', `The destination folder ${abs} is not there. If it is on an external drive or NAS, connect it and run again.`);
}

/** The job's sources, checked: absolute, existing folders with distinct names. */
export async function checkSources(paths: readonly string[]): Promise<WalkSource[]> {
  if (paths.length === 0) throw new SnapshotError('invalid-source', 'A backup needs at least one source folder.');
  for (const raw of paths) {
    if (!isAbsolute(raw)) throw new SnapshotError('invalid-source', `Source folders must be absolute paths: ${raw}`);
    try {
      if (!(await stat(raw)).isDirectory()) throw new Error('not a folder');
    } catch {
      throw new SnapshotError('source-missing', `The source folder ${raw} is missing or unreadable. Is its disk connected? Nothing was changed in the backup.`);
    }
  }
  try {
    return orderSources(paths.map((p) => resolve(p)));
  } catch (e) {
    throw new SnapshotError('source-name-clash', (e as Error).message);
  }
}

/** Removes what an earlier prune or run left half done; such folders are never restore points. */
async function cleanLeftovers(destination: string, log: (line: string) => void): Promise<void> {
  for (const name of await readdir(destination)) {
    if (name.startsWith(DELETING_PREFIX) || name.startsWith(WORK_PREFIX) || /^\.reprise-latest-/.test(name)) {
      await rm(join(destination, name), { recursive: true, force: true });
    }
  }
  const latest = await readLatest(destination);
  if (latest && 'problem' in latest) log(`# warning: ${latest.problem}`);
}

/**
 * Points `latest` at a snapshot atomically: a new link under a temp name renamed over the old one.
 * A `latest` that is not a link (someone made a folder there) is moved aside first, never deleted.
 */
export async function swapLatest(destination: string, id: string, log: (line: string) => void = () => {}): Promise<void> {
  const path = join(destination, LATEST_NAME);
  const current = await readLatest(destination);
  if (current && 'problem' in current) {
    const aside = join(destination, `${LATEST_NAME}.not-a-link-${randomBytes(3).toString('hex')}`);
    await rename(path, aside);
    log(`# ${current.problem}: moved it to ${aside} and made the link again`);
  }
  const temp = join(destination, `.reprise-latest-${randomBytes(4).toString('hex')}`);
  await symlink(id, temp);
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/**
 * Gives a staging folder its recorded time to the nanosecond (Node's utimes rounds through a
 * double): `touch` through an ASCII-named link, since a folder's name need not be UTF-8.
 */
async function retime(ctx: DestinationContext, via: string, abs: Buffer, mtimeNs: string): Promise<void> {
  const ns = BigInt(mtimeNs);
  if (ns < 0n) return;
  await symlink(abs, via);
  const r = await ctx.children.run({ command: 'touch', args: ['-m', '-c', '-d', `@${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`, '--', via], signal: ctx.signal });
  await unlink(via).catch(() => undefined);
  if (r.exitCode !== 0) ctx.log(`# warning: could not give ${textOf(abs.toString('latin1'))} its recorded time: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`);
}

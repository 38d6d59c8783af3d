// The restore commands of the contract: restore points, the picker's index and versions, covers,
// restores with progress events, and verification — for snapshot and mirror destinations alike.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Handlers } from '../../../shared/contract.js';
import type { Destination, Job } from '../../../shared/model.js';
import type { DestinationPoints, ItemVersionInfo, RestoreOutcome, SourceIndex, VerifyDestination } from '../../../shared/restore.js';
import { fail, ok, raise } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { JobService } from '../jobs/job-service.js';
import { type RcloneSetup, configArgs } from '../rclone/rclone-env.js';
import { joinTarget } from '../rclone/targets.js';
import { MIRROR_CURRENT, joinRemote } from '../snapshots/mirror-layout.js';
import { mirrorPoints } from '../snapshots/mirror-manifest.js';
import { readMirrorManifests } from '../snapshots/mirror-run.js';
import { type RcloneExec, createRcloneExec } from '../snapshots/rclone-exec.js';
import { createRsyncRunner } from '../snapshots/rsync-child.js';
import { listSnapshots } from '../snapshots/snapshot-list.js';
import type { ToolPaths } from '../tools/tools.js';
import { holdRestorePoint } from './in-use.js';
import { snapshotItemVersions } from './item-versions.js';
import { listMirrorRestorePoints, mirrorItemVersions, mirrorListing, restoreFromMirror } from './mirror-restore.js';
import { buildMusicIndex, listLocalTree } from './music-index.js';
import { RestoreError } from './restore-errors.js';
import type { RestorePoint } from './restore-points.js';
import { listSnapshotRestorePoints } from './restore-points.js';
import { resolveInsideRoot, splitBackupPath } from './safe-path.js';
import { resolveSnapshot, restoreFromSnapshot } from './snapshot-restore.js';

/** What the restore commands need from the core. */
export interface RestoreServiceDeps {
  readonly jobs: JobService;
  readonly rclone: () => RcloneSetup;
  readonly tools: ToolPaths;
  readonly events: EventBus;
}

type RestoreHandlers = Pick<Handlers, 'restore:points' | 'restore:browse' | 'restore:versions' | 'restore:cover' | 'restore:run' | 'restore:cancel' | 'verify:run'>;

const MAX_COVER = 2 * 1024 * 1024;
const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);

/** Maps an engine error to the contract's error kinds, keeping its plain-words message. */
function rethrow(e: unknown): never {
  if (e instanceof RestoreError) {
    const kind = e.kind === 'not-found' || e.kind === 'restore-point-missing' ? 'not-found' : e.kind === 'cancelled' ? 'cancelled' : e.kind === 'spawn-failed' ? 'spawn-failed' : e.kind === 'copy-failed' ? 'exit-code' : 'invalid-request';
    raise(kind, e.message, e.stderrTail ? { detail: e.stderrTail.slice(-2000) } : {});
  }
  throw e;
}

/** Builds the restore handlers over the core's jobs, tools and events. */
export function restoreHandlers(deps: RestoreServiceDeps): RestoreHandlers {
  const exec = (): RcloneExec => {
    const r = deps.rclone();
    return createRcloneExec({ bin: r.bin, configFile: configArgs(r)[1] ?? null, env: r.env });
  };
  // Restores running in this process, by restore id, so restore:cancel can stop them.
  const running = new Map<string, AbortController>();
  // Snapshots never change once written, so their listings are cached by path.
  const indexCache = new Map<string, SourceIndex>();

  const restorable = (job: Job): Destination[] => job.destinations.filter((d) => d.kind === 'snapshot' || d.kind === 'mirror');

  const pickDest = (job: Job, from: string | undefined): Destination => {
    const dests = restorable(job);
    if (dests.length === 0) raise('not-found', `"${job.name}" has no snapshot or mirror destination to restore from.`, { hint: 'Copy destinations keep no restore points.' });
    if (from === undefined) return dests[0]!;
    const n = Number(from);
    const found = dests.find((d) => d.id === from || d.target === from) ?? (Number.isInteger(n) && n >= 1 ? dests[n - 1] : undefined);
    if (!found) raise('not-found', `"${from}" is not a destination of "${job.name}".`, { hint: `Destinations: ${dests.map((d) => d.target).join(', ')}.` });
    return found;
  };

  const pointsOf = async (d: Destination): Promise<RestorePoint[]> =>
    d.kind === 'snapshot' ? listSnapshotRestorePoints(d.target) : listMirrorRestorePoints(exec(), d.target);

  const allPoints = async (job: Job): Promise<DestinationPoints[]> =>
    Promise.all(
      restorable(job).map(async (d) => {
        try {
          const points = await pointsOf(d);
          return { destId: d.id, kind: d.kind, target: d.target, error: null, points: points.map(({ id, time, outcome, files, bytes, newBytes, latest, confirmedThrough }) => ({ id, time, outcome, files, bytes, newBytes, latest, confirmedThrough })) };
        } catch (e) {
          return { destId: d.id, kind: d.kind, target: d.target, points: [], error: `This destination cannot be read: ${(e as Error).message}` };
        }
      }),
    );

  /** Without --from, `latest` means the newest point across destinations. */
  const chooseSource = async (job: Job, from: string | undefined, at: string): Promise<Destination> => {
    if (from !== undefined) return pickDest(job, from);
    const all = await allPoints(job);
    let best: { d: DestinationPoints; time: string } | undefined;
    for (const d of all) {
      const p = at === 'latest' ? d.points.find((x) => x.latest) ?? d.points[0] : d.points.find((x) => x.id === at);
      if (p && (!best || p.time > best.time)) best = { d, time: p.time };
    }
    if (!best) raise('not-found', at === 'latest' ? `"${job.name}" has no restore points yet.` : `No destination of "${job.name}" has the restore point "${at}".`, { hint: 'List them with "reprise snapshots NAME".' });
    return job.destinations.find((d) => d.id === best.d.destId)!;
  };

  return {
    'restore:points': async (req) => ok(await allPoints(deps.jobs.get(req.name))),

    'restore:browse': async (req) => {
      const job = deps.jobs.get(req.name);
      const d = req.from === undefined ? await chooseSource(job, undefined, req.at) : pickDest(job, req.from);
      try {
        if (d.kind === 'snapshot') {
          const snap = await resolveSnapshot(d.target, req.at);
          const sources: SourceIndex[] = [];
          for (const s of snap.manifest.sources) {
            const key = join(snap.path, s.base);
            let index = indexCache.get(key);
            if (!index) {
              index = buildMusicIndex(s.base, await listLocalTree(key));
              indexCache.set(key, index);
            }
            sources.push(index);
          }
          return ok({ destId: d.id, kind: d.kind, target: d.target, pointId: snap.id, sources });
        }
        const x = exec();
        const manifests = mirrorPoints(await readMirrorManifests(x, d.target));
        const point = req.at === 'latest' ? manifests.at(-1) : manifests.find((m) => m.id === req.at);
        if (!point) raise('not-found', `There is no restore point "${req.at}" in ${d.target}.`);
        const sources: SourceIndex[] = [];
        for (const s of point.sources) sources.push(buildMusicIndex(s.base, await mirrorListing(x, d.target, s.base)));
        return ok({ destId: d.id, kind: d.kind, target: d.target, pointId: point.id, sources });
      } catch (e) {
        rethrow(e);
      }
    },

    'restore:versions': async (req) => {
      const job = deps.jobs.get(req.name);
      splitBackupPath(req.path);
      const out: ItemVersionInfo[] = [];
      for (const d of restorable(job)) {
        try {
          if (d.kind === 'snapshot') {
            for (const v of await snapshotItemVersions(d.target, req.path)) {
              out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: v.snapshotId, time: v.time, files: v.files, bytes: v.bytes, changes: v.changes, confirmedThrough: v.confirmedThrough });
            }
          } else {
            for (const v of await mirrorItemVersions(exec(), d.target, req.path)) {
              out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: v.pointId, time: v.time, files: v.files, bytes: v.bytes, changes: v.changes, confirmedThrough: null });
            }
          }
        } catch {
          // An unreadable destination contributes no versions; restore:points reports why.
        }
      }
      return ok(out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)));
    },

    'restore:cover': async (req) => {
      const job = deps.jobs.get(req.name);
      const d = pickDest(job, req.from);
      if (!IMAGE_EXT.has(extname(req.path).toLowerCase())) return ok({ dataUrl: null });
      try {
        let bytes: Buffer;
        if (d.kind === 'snapshot') {
          const snap = await resolveSnapshot(d.target, req.at);
          const file = await resolveInsideRoot(snap.path, splitBackupPath(req.path));
          if ((await stat(file)).size > MAX_COVER) return ok({ dataUrl: null });
          bytes = await readFile(file);
        } else {
          const dir = await mkdtemp(join(tmpdir(), 'reprise-cover-'));
          try {
            const local = join(dir, basename(req.path));
            const remote = joinRemote(d.target, MIRROR_CURRENT, splitBackupPath(req.path).join('/'));
            // Size first: rclone 1.60 refuses filters such as --max-size on a single-file copyto
            // ("can't limit to single files when using filters"), which left every mirror cover blank.
            const x = exec();
            const st = await x({ args: ['lsjson', '--stat', '--', remote] });
            if (st.exitCode !== 0) return ok({ dataUrl: null });
            const item = JSON.parse(st.stdout) as { IsDir: boolean; Size: number };
            if (item.IsDir || item.Size > MAX_COVER) return ok({ dataUrl: null });
            const r = await x({ args: ['copyto', '--', remote, local] });
            if (r.exitCode !== 0) return ok({ dataUrl: null });
            bytes = await readFile(local).catch(() => Buffer.alloc(0));
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
          if (bytes.length === 0) return ok({ dataUrl: null });
        }
        // Go by the bytes, not the name: plenty of cover.jpg files are PNGs.
        const sniffed = bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ? 'image/png' : bytes.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : bytes.subarray(0, 3).toString('latin1') === 'GIF' ? 'image/gif' : null;
        if (!sniffed) return ok({ dataUrl: null });
        return ok({ dataUrl: `data:${sniffed};base64,${bytes.toString('base64')}` });
      } catch {
        return ok({ dataUrl: null });
      }
    },

    'restore:run': async (req) => {
      const job = deps.jobs.get(req.name);
      const restoreId = req.restoreId ?? randomUUID();
      if (running.has(restoreId)) return fail('invalid-request', `A restore with id ${restoreId} is already running.`);
      const controller = new AbortController();
      running.set(restoreId, controller);
      const signal = controller.signal;
      const emit = (phase: 'planning' | 'copying' | 'verifying', percent: number, bytes = 0, speed = 0) =>
        deps.events.emit('restore:progress', { restoreId, phase, percent, bytes, speed });
      let release = () => {};
      try {
        const d = await chooseSource(job, req.from, req.at);
        if (signal.aborted) throw new RestoreError('cancelled', 'The restore was stopped before it began.');
        if (d.kind === 'snapshot') {
          const snap = await resolveSnapshot(d.target, req.at);
          release = holdRestorePoint(d.target, snap.id);
          const r = await restoreFromSnapshot({
            destination: d.target,
            at: snap.id,
            path: req.path,
            to: req.to,
            policy: req.policy,
            dryRun: req.dryRun,
            runRsync: createRsyncRunner(deps.tools.rsync),
            signal,
            onProgress: (p) => (p.phase === 'copying' ? emit('copying', p.rsync.percent, p.rsync.bytes, p.rsync.speed) : emit(p.phase, p.phase === 'verifying' ? 100 : 0)),
          });
          return ok(outcomeOf(d, r.snapshotId, r.restoredTo, r.dryRun, r.plan, r.verification));
        }
        const x = exec();
        // Hold the point (resolved from 'latest') so a run's retention does not fold it mid-restore.
        const at = req.at === 'latest' ? (mirrorPoints(await readMirrorManifests(x, d.target)).at(-1)?.id ?? req.at) : req.at;
        release = holdRestorePoint(d.target, at);
        const r = await restoreFromMirror({
          exec: x,
          target: d.target,
          at,
          path: req.path,
          to: req.to,
          policy: req.policy,
          dryRun: req.dryRun,
          signal,
          onProgress: (p) => emit(p.phase, p.filesTotal ? Math.round(((p.filesDone ?? 0) / p.filesTotal) * 100) : p.phase === 'verifying' ? 100 : 0),
        });
        return ok(outcomeOf(d, r.pointId, r.restoredTo, r.dryRun, r.plan, r.verification));
      } catch (e) {
        rethrow(e);
      } finally {
        running.delete(restoreId);
        release();
      }
    },

    'restore:cancel': async (req) => {
      const controller = running.get(req.restoreId);
      controller?.abort();
      return ok({ cancelled: controller !== undefined });
    },

    'verify:run': async (req) => {
      const job = deps.jobs.get(req.name);
      const out: VerifyDestination[] = [];
      for (const d of job.destinations) {
        try {
          out.push(d.kind === 'snapshot' ? await verifySnapshot(job, d, deps.tools.rsync) : await verifyRclone(job, d, exec()));
        } catch (e) {
          out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: null, ok: false, differences: 0, sample: [], error: (e as Error).message });
        }
      }
      return ok(out);
    },
  };
}

function outcomeOf(
  d: Destination,
  pointId: string,
  restoredTo: string,
  dryRun: boolean,
  plan: { items: readonly { action: 'create' | 'overwrite' | 'skip'; path: string; size: number }[]; createFiles: number; overwriteFiles: number; skipFiles: number; bytes: number },
  verification: { ok: boolean; mismatches: readonly string[]; keptExisting: readonly string[] } | undefined,
): RestoreOutcome {
  return {
    destId: d.id,
    target: d.target,
    pointId,
    restoredTo,
    dryRun,
    createFiles: plan.createFiles,
    overwriteFiles: plan.overwriteFiles,
    skipFiles: plan.skipFiles,
    bytes: plan.bytes,
    items: plan.items.slice(0, 500).map((i) => ({ action: i.action, path: i.path, size: i.size })),
    verified: verification ? verification.ok : null,
    mismatches: verification?.mismatches ?? [],
    keptExisting: verification?.keptExisting ?? [],
  };
}

const SAMPLE = 50;

/** Checksums the sources against the newest complete snapshot (an rsync --checksum dry run). */
async function verifySnapshot(job: Job, d: Destination, rsync: string): Promise<VerifyDestination> {
  const snaps = await listSnapshots(d.target);
  const latest = [...snaps].reverse().find((s) => s.complete);
  if (!latest) return { destId: d.id, kind: d.kind, target: d.target, pointId: null, ok: false, differences: 0, sample: [], error: 'There is no snapshot yet.' };
  const ignored = new Set(latest.manifest.sqlite.flatMap((r) => [r.path, `${r.path}-wal`, `${r.path}-shm`, `${r.path}-journal`]));
  const sample: string[] = [];
  let differences = 0;
  const look = (line: string) => {
    const m = /^(\S+)\|(.*)$/.exec(line);
    if (!m || ignored.has(m[2]!)) return;
    const code = m[1]!;
    let mark: string | null = null;
    if (code.startsWith('*deleting')) mark = '-';
    else if (code[1] === 'f' || code[1] === 'L') mark = code.slice(2).startsWith('+') ? '+' : '*';
    if (!mark) return;
    differences++;
    if (sample.length < SAMPLE) sample.push(`${mark} ${m[2]}`);
  };
  const exit = await createRsyncRunner(rsync)(
    ['-a', '--numeric-ids', '--delete', '--dry-run', '--checksum', '--out-format=%i|%n', ...job.excludes.map((e) => `--exclude=${e}`), '--', ...job.sources, `${latest.path}/`],
    { onLine: look },
  );
  const error = exit.exitCode === 0 ? null : `rsync exited with code ${exit.exitCode}: ${exit.stderrTail.split('\n').filter(Boolean).at(-1) ?? ''}`;
  return { destId: d.id, kind: d.kind, target: d.target, pointId: latest.id, ok: error === null && differences === 0, differences, sample, error };
}

/** `rclone check` of each source against the mirror's current/ (or the copy destination). */
async function verifyRclone(job: Job, d: Destination, exec: RcloneExec): Promise<VerifyDestination> {
  const sample: string[] = [];
  let differences = 0;
  let error: string | null = null;
  let pointId: string | null = null;
  if (d.kind === 'mirror') pointId = (await readMirrorManifests(exec, d.target)).at(-1)?.id ?? null;
  for (const source of job.sources) {
    const base = basename(source);
    const remote = d.kind === 'mirror' ? joinRemote(d.target, MIRROR_CURRENT, base) : joinTarget(d.target, base);
    // A copy destination is additive: files only in the backup are not a difference there.
    const r = await exec({ args: ['check', '--combined', '-', ...(d.kind === 'copy' ? ['--one-way'] : []), ...job.excludes.map((e) => `--exclude=${e}`), '--', source, remote] });
    for (const line of r.stdout.split('\n')) {
      const m = /^([*+!-]) (.*)$/.exec(line);
      if (!m) continue;
      differences++;
      if (sample.length < SAMPLE) sample.push(`${m[1]} ${base}/${m[2]}`);
    }
    if (r.exitCode !== 0 && r.exitCode !== 1) error ??= `rclone check failed: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`;
    if (r.exitCode === 1 && differences === 0) error ??= `rclone check failed: ${r.stderrTail.at(-1) ?? 'exit 1'}`;
  }
  return { destId: d.id, kind: d.kind, target: d.target, pointId, ok: error === null && differences === 0, differences, sample, error };
}

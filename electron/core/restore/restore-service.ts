// The restore commands of the contract: restore points, the picker's index and versions, covers,
// restores with progress events, and verification. Everything is read from the points' records and
// asked of the destination kind (kinds.ts); no command here knows which kind it has.
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import { scratchDir } from '../process/scratch.js';
import type { Handlers } from '../../../shared/contract.js';
import type { Destination, Job } from '../../../shared/model.js';
import type { DestinationPoints, ItemVersionInfo, RestoreOutcome, SourceIndex, VerifyDestination } from '../../../shared/restore.js';
import { fail, ok, raise } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { JobService } from '../jobs/job-service.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { ToolPaths } from '../tools/tools.js';
import type { ChildRunner } from '../process/child.js';
import type { KindEnv, OpenedDestination, PointInfo } from '../destinations/kind.js';
import { destinationKinds } from '../destinations/kinds.js';
import { type RecordEntry, binFromText, isUnder, textOf } from '../destinations/record/entry.js';
import { RecordFormatError } from '../destinations/record/entry.js';
import { restoreTree } from '../destinations/restore/restore-tree.js';
import { MusicIndexBuilder } from './music-index.js';
import { RestoreError } from '../destinations/restore/restore-errors.js';
import { splitBackupPath } from '../destinations/restore/backup-path.js';

/** What the restore commands need from the core. */
export interface RestoreServiceDeps {
  readonly jobs: JobService;
  readonly rclone: () => RcloneSetup;
  readonly tools: ToolPaths;
  readonly children: ChildRunner;
  /** Holds a restore point against pruning in every process (the lock database's leases). */
  readonly holdPoint: (target: string, pointId: string) => () => void;
  readonly events: EventBus;
  readonly now?: () => number;
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
  if (e instanceof RecordFormatError) raise('exit-code', `A record on the destination is damaged: ${e.message}`, { hint: 'Other restore points may still be whole; list them with "reprise snapshots NAME".' });
  if ((e as Error)?.name === 'AbortError') raise('cancelled', 'The restore was stopped. Files restored so far are kept.');
  throw e;
}

const pointInfo = (p: PointInfo) => ({
  id: p.summary.id,
  time: p.summary.startedAt,
  outcome: p.summary.outcome ?? 'partial',
  files: p.summary.totals.files,
  bytes: p.summary.totals.bytes,
  newBytes: p.newBytes,
  latest: p.latest,
  confirmedThrough: p.summary.confirmations.at(-1) ?? null,
  lacking: p.summary.lacking.count,
});

/** Builds the restore handlers over the core's jobs, tools and events. */
export function restoreHandlers(deps: RestoreServiceDeps): RestoreHandlers {
  const env = (): KindEnv => ({ rclone: deps.rclone(), tools: deps.tools, children: deps.children, now: deps.now ?? Date.now });
  // Restores running in this process, by restore id, so restore:cancel can stop them.
  const running = new Map<string, AbortController>();
  // A point's tree never changes once written: the picker's index is cached per point.
  const indexCache = new Map<string, SourceIndex[]>();

  const restorable = (job: Job): Destination[] => job.destinations.filter((d) => destinationKinds[d.kind].open !== null);

  const open = async (d: Destination, signal?: AbortSignal): Promise<OpenedDestination> => {
    const kind = destinationKinds[d.kind];
    if (!kind.open) raise('invalid-request', `${d.target} is a copy destination; it keeps no restore points.`);
    return kind.open(d, env(), signal);
  };

  const pickDest = (job: Job, from: string | undefined): Destination => {
    const dests = restorable(job);
    if (dests.length === 0) raise('not-found', `"${job.name}" has no snapshot or mirror destination to restore from.`, { hint: 'Copy destinations keep no restore points.' });
    if (from === undefined) return dests[0]!;
    const n = Number(from);
    const found = dests.find((d) => d.id === from || d.target === from) ?? (Number.isInteger(n) && n >= 1 ? dests[n - 1] : undefined);
    if (!found) raise('not-found', `"${from}" is not a destination of "${job.name}".`, { hint: `Destinations: ${dests.map((d) => d.target).join(', ')}.` });
    return found;
  };

  const allPoints = async (job: Job): Promise<DestinationPoints[]> =>
    Promise.all(
      restorable(job).map(async (d): Promise<DestinationPoints> => {
        try {
          const o = await open(d);
          try {
            return { destId: d.id, kind: d.kind, target: d.target, error: null, warnings: o.warnings, points: [...o.points].reverse().map(pointInfo) };
          } finally {
            await o.close();
          }
        } catch (e) {
          return { destId: d.id, kind: d.kind, target: d.target, points: [], warnings: [], error: `This destination cannot be read: ${(e as Error).message}` };
        }
      }),
    );

  /** Without --from, `latest` means the newest point across destinations. */
  const chooseSource = async (job: Job, from: string | undefined, at: string): Promise<Destination> => {
    if (from !== undefined) return pickDest(job, from);
    let best: { destId: string; time: string } | undefined;
    for (const d of await allPoints(job)) {
      const p = at === 'latest' ? d.points.find((x) => x.latest) : d.points.find((x) => x.id === at);
      if (p && (!best || p.time > best.time)) best = { destId: d.destId, time: p.time };
    }
    if (!best) raise('not-found', at === 'latest' ? `"${job.name}" has no restore points yet.` : `No destination of "${job.name}" has the restore point "${at}".`, { hint: 'List them with "reprise snapshots NAME".' });
    return job.destinations.find((d) => d.id === best.destId)!;
  };

  const resolvePoint = (o: OpenedDestination, d: Destination, at: string): PointInfo => {
    const p = at === 'latest' ? o.points.at(-1) : o.points.find((x) => x.summary.id === at);
    if (!p) throw new RestoreError('restore-point-missing', at === 'latest' ? `${d.target} has no restore points yet.` : `There is no restore point "${at}" in ${d.target}.`);
    return p;
  };

  /** The entries of an item in a point; not found gets a suggestion when only the case differs. */
  const itemEntries = async (o: OpenedDestination, pointId: string, path: string, signal?: AbortSignal): Promise<{ item: string; entries: RecordEntry[] }> => {
    const item = binFromText(splitBackupPath(path).join('/'));
    const entries: RecordEntry[] = [];
    for await (const e of o.reader.tree(pointId, item, signal)) entries.push(e);
    if (entries.length > 0) return { item, entries };
    // Paths start with the source folder's name ("Music/Björk"); a path given without it
    // ("Björk", or "björk") is suggested with it.
    const wanted = textOf(item).toLocaleLowerCase();
    const depth = wanted.split('/').length;
    let suggestion: string | null = null;
    let underSource: string | null = null;
    for await (const e of o.reader.tree(pointId, undefined, signal)) {
      const text = textOf(e.path);
      const lower = text.toLocaleLowerCase();
      if (lower === wanted) {
        suggestion = text;
        break;
      }
      if (underSource === null && lower.endsWith(`/${wanted}`) && lower.split('/').length === depth + 1) underSource = text;
    }
    suggestion ??= underSource;
    throw new RestoreError('not-found', `"${path}" is not in restore point ${pointId}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`);
  };

  return {
    'restore:points': async (req) => ok(await allPoints(deps.jobs.get(req.name))),

    'restore:browse': async (req) => {
      const job = deps.jobs.get(req.name);
      const d = req.from === undefined ? await chooseSource(job, undefined, req.at) : pickDest(job, req.from);
      try {
        const o = await open(d);
        try {
          const point = resolvePoint(o, d, req.at);
          const key = `${d.target}\0${point.summary.id}`;
          let sources = indexCache.get(key);
          if (!sources) {
            sources = [];
            for (const s of point.summary.sources) {
              const base = binFromText(s.base);
              // Streamed from the record into the index: the listing itself is never held.
              const index = new MusicIndexBuilder(s.base);
              for await (const batch of o.reader.treeBatches(point.summary.id, base)) {
                for (const e of batch) {
                  if (e.path === base || e.type === 'l' || e.type === 'o') continue;
                  index.add({ path: textOf(e.path.slice(base.length + 1)), size: e.size, isDir: e.type === 'd' });
                }
              }
              sources.push(index.finish());
            }
            indexCache.set(key, sources);
          }
          return ok({ destId: d.id, kind: d.kind, target: d.target, pointId: point.summary.id, sources });
        } finally {
          await o.close();
        }
      } catch (e) {
        rethrow(e);
      }
    },

    'restore:versions': async (req) => {
      const job = deps.jobs.get(req.name);
      const item = binFromText(splitBackupPath(req.path).join('/'));
      const out: ItemVersionInfo[] = [];
      for (const d of restorable(job)) {
        let o: OpenedDestination;
        try {
          o = await open(d);
        } catch {
          continue; // an unreadable destination contributes no versions; restore:points says why
        }
        try {
          let older: Map<string, string> | null = null;
          for (const p of o.points) {
            const files = new Map<string, string>();
            let bytes = 0;
            for await (const e of o.reader.tree(p.summary.id, item)) {
              if (e.type !== 'f') continue;
              files.set(e.path, e.lack ? `lack:${e.path}` : (e.hash ?? `${e.size}:${e.mtime}`));
              bytes += e.size;
            }
            if (files.size === 0) {
              older = null;
              continue;
            }
            let changes: ItemVersionInfo['changes'] = null;
            if (older) {
              let added = 0;
              let changed = 0;
              let removed = 0;
              for (const [path, id] of files) {
                const before = older.get(path);
                if (before === undefined) added++;
                else if (before !== id) changed++;
              }
              for (const path of older.keys()) if (!files.has(path)) removed++;
              changes = { added, removed, changed };
            }
            out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: p.summary.id, time: p.summary.startedAt, files: files.size, bytes, changes, confirmedThrough: p.summary.confirmations.at(-1) ?? null });
            older = files;
          }
        } catch {
          // a damaged record hides this destination's versions; restore:points reports it
        } finally {
          await o.close();
        }
      }
      return ok(out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)));
    },

    'restore:cover': async (req) => {
      const job = deps.jobs.get(req.name);
      if (!IMAGE_EXT.has(extname(req.path).toLowerCase())) return ok({ dataUrl: null });
      try {
        const d = pickDest(job, req.from);
        const o = await open(d);
        const stage = await scratchDir('cover');
        try {
          const point = resolvePoint(o, d, req.at);
          const { item, entries } = await itemEntries(o, point.summary.id, req.path);
          const file = entries[0];
          if (!file || file.path !== item || file.type !== 'f' || file.lack || file.size > MAX_COVER) return ok({ dataUrl: null });
          const got = await o.bytes(point.summary.id).fetch([file], Buffer.from(stage), undefined, () => {});
          const staged = got.staged.get(file.path);
          if (!staged) return ok({ dataUrl: null });
          const bytes = await readFile(staged);
          // Go by the bytes, not the name: plenty of cover.jpg files are PNGs.
          const sniffed = bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ? 'image/png' : bytes.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : bytes.subarray(0, 3).toString('latin1') === 'GIF' ? 'image/gif' : null;
          if (!sniffed) return ok({ dataUrl: null });
          return ok({ dataUrl: `data:${sniffed};base64,${bytes.toString('base64')}` });
        } finally {
          await rm(stage, { recursive: true, force: true });
          await o.close();
        }
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
      let release = () => {};
      let opened: OpenedDestination | null = null;
      try {
        const d = await chooseSource(job, req.from, req.at);
        if (signal.aborted) throw new RestoreError('cancelled', 'The restore was stopped before it began.');
        opened = await open(d, signal);
        const point = resolvePoint(opened, d, req.at);
        const pointId = point.summary.id;
        // Retention never removes a point while it is being restored from.
        release = deps.holdPoint(d.target, pointId);
        deps.events.emit('restore:progress', { restoreId, phase: 'planning', percent: 0, bytes: 0, speed: 0 });
        const { item, entries } = await itemEntries(opened, pointId, req.path, signal);
        const started = Date.now();
        const r = await restoreTree({
          entries,
          item,
          to: req.to,
          policy: req.policy,
          dryRun: req.dryRun,
          fetcher: opened.bytes(pointId),
          children: deps.children,
          signal,
          onProgress: (p) => deps.events.emit('restore:progress', { restoreId, phase: p.phase, percent: p.percent, bytes: p.bytes, speed: p.bytes > 0 ? Math.round(p.bytes / Math.max(0.001, (Date.now() - started) / 1000)) : 0 }),
        });
        const v = r.verification;
        const outcome: RestoreOutcome = {
          destId: d.id,
          target: d.target,
          pointId,
          restoredTo: r.restoredTo,
          dryRun: r.dryRun,
          createFiles: r.createFiles,
          overwriteFiles: r.overwriteFiles,
          skipFiles: r.skipFiles,
          keepBothFiles: r.keepBothFiles,
          bytes: r.bytes,
          items: r.items.slice(0, 500),
          verified: v ? v.ok : null,
          mismatches: v?.mismatches ?? [],
          keptExisting: v?.keptExisting ?? [],
          missing: v?.missing ?? [],
          checked: v?.checked ?? 0,
        };
        return ok(outcome);
      } catch (e) {
        if (signal.aborted) raise('cancelled', 'The restore was stopped. Files restored so far are kept.');
        rethrow(e);
      } finally {
        running.delete(restoreId);
        release();
        await opened?.close();
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
          out.push(await destinationKinds[d.kind].verify(job, d, env(), { deep: req.deep }));
        } catch (e) {
          out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: null, ok: false, differences: 0, sample: [], error: (e as Error).message });
        }
      }
      return ok(out);
    },
  };
}

/** Whether a record path lies in an item (exported for tests of the picker). */
export const inItem = (path: string, item: string): boolean => isUnder(path, item);

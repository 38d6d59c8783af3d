// What the restore commands share: the restorable destinations of a job, opening one, choosing
// the destination and point a request means, an item's entries in a point, and the mapping of the
// engine's errors to the contract's.
import type { Destination, Job } from '../../../shared/model.js';
import type { DestinationPoints } from '../../../shared/restore.js';
import { raise } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { JobService } from '../jobs/job-service.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import type { ToolPaths } from '../tools/tools.js';
import type { ChildRunner } from '../process/child.js';
import type { KindEnv, OpenedDestination, PointInfo } from '../destinations/kind.js';
import { destinationKinds } from '../destinations/kinds.js';
import { type RecordEntry, RecordFormatError, binFromText, textOf } from '../destinations/record/entry.js';
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

/** Maps an engine error to the contract's error kinds, keeping its plain-words message. */
export function rethrow(e: unknown): never {
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

/** The shared steps, over the core's jobs, tools and children. */
export function restoreSources(deps: RestoreServiceDeps) {
  const env = (): KindEnv => ({ rclone: deps.rclone(), tools: deps.tools, children: deps.children, now: deps.now ?? Date.now });
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

  return { env, restorable, open, pickDest, allPoints, chooseSource, resolvePoint, itemEntries };
}

export type RestoreSources = ReturnType<typeof restoreSources>;

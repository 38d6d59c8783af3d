// Where a browsed folder sits in the backups: inside which job's destination, which restore point
// the folder stands for and which item of the backup it is, in the terms the Restore page and
// `reprise restore --path/--at/--from` use. Pure: the Browser page asks it for every folder it shows.
//
// Layouts (see electron/core/destinations): a mirror target holds current/<source>/… (the newest
// state), versions/<run>/<source>/… (what run <run> replaced or deleted) and manifests/; a snapshot
// destination holds one folder per snapshot named by its UTC start time plus the `latest` link.
//
// Copy destinations keep no restore points and the Restore page does not offer them (the core's
// restore commands refuse them too), so a folder there is reported as `kind: 'copy'` — the Browser
// says why it cannot open it in Restore instead of offering a link that leads nowhere.
import type { DestinationKind, Job } from './model.js';
import type { AlbumEntry, SourceIndex } from './restore.js';
import { parseTarget } from './remotes/remote-path.js';

/** A folder as the Browser shows it: `remote:path`, or a local folder. */
export type BrowsedPlace = { readonly remote: string; readonly path: string } | { readonly local: string };

/** Which restore point a folder stands for. */
export type PointRef =
  /** current/, latest/ or the destination itself: the newest state. */
  | { readonly kind: 'latest' }
  /** A snapshot folder: exactly that snapshot. */
  | { readonly kind: 'snapshot'; readonly id: string }
  /**
   * versions/<run>/ of a mirror: the files run <run> replaced or deleted, i.e. the state as it was
   * before that run — the restore point of the last run before <run>.
   */
  | { readonly kind: 'replaced-by'; readonly run: string };

/** A folder inside a destination that keeps restore points. */
export interface RestorableLocation {
  readonly kind: 'restorable';
  readonly jobId: string;
  readonly jobName: string;
  readonly destId: string;
  readonly destKind: Exclude<DestinationKind, 'copy'>;
  readonly target: string;
  readonly at: PointRef;
  /** The item inside the backup, e.g. `music/Pink Floyd/The Wall (1979)`; null for the destination's own folders. */
  readonly itemPath: string | null;
}

/** A folder inside a copy destination: part of a backup, but with no restore points. */
export interface CopyLocation {
  readonly kind: 'copy';
  readonly jobId: string;
  readonly jobName: string;
  readonly destId: string;
  readonly target: string;
}

export type BackupLocation = RestorableLocation | CopyLocation;

/** A snapshot or mirror run id: UTC start time, `-N` when two runs started in the same second. */
const POINT_ID = /^\d{4}-\d{2}-\d{2}T\d{6}Z(?:-\d+)?$/;

/** Whether a folder name is a snapshot / mirror run id. */
export function isPointId(name: string): boolean {
  return POINT_ID.test(name);
}

/** Orders point ids oldest first (`…Z-10` after `…Z-2`). */
export function comparePointIds(a: string, b: string): number {
  const split = (id: string): [string, number] => {
    const m = /^(.*Z)(?:-(\d+))?$/.exec(id);
    return m ? [m[1]!, Number(m[2] ?? 1)] : [id, 1];
  };
  const [ba, na] = split(a);
  const [bb, nb] = split(b);
  return ba < bb ? -1 : ba > bb ? 1 : na - nb;
}

/** A place split into where it lives (a remote name, or '' for local) and its path segments. */
interface Split {
  readonly root: string;
  /** As spelled: item paths keep the names exactly as the backup stores them. */
  readonly segments: readonly string[];
  /** NFC, for comparing only. */
  readonly keys: readonly string[];
}

/**
 * Splits `REMOTE:PATH` or a local path the way rclone reads targets, into normalised segments:
 * `nas:backup`, `nas:/backup/` and `nas:backup//` are the same place; names compare in NFC so a
 * name typed on macOS (NFD) matches the same name listed by a server.
 */
function splitTarget(text: string): Split | null {
  const t = parseTarget(text);
  if (t.type === 'remote') return withSegments(t.remote, t.path);
  if (!t.path.startsWith('/')) return null; // not an absolute local path: nothing we can place
  return withSegments('', t.path);
}

function withSegments(root: string, path: string): Split | null {
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') {
      if (segments.length === 0) return null;
      segments.pop();
    } else segments.push(s);
  }
  return { root, segments, keys: segments.map((s) => s.normalize('NFC')) };
}

function splitPlace(place: BrowsedPlace): Split | null {
  return 'local' in place ? (place.local.startsWith('/') ? withSegments('', place.local) : null) : withSegments(place.remote, place.path);
}

/**
 * Says whether a browsed folder lies inside a destination of one of the jobs, and what it is there.
 * `aliases` maps alias remotes to what they point at (`remote:path` or a local folder), so a local
 * snapshot folder browsed through an alias remote is recognised too. The deepest matching
 * destination wins; null when the folder belongs to no destination (or only to unknown folders
 * inside one, e.g. a stray staging folder).
 */
export function locateInBackup(jobs: readonly Job[], place: BrowsedPlace, aliases: Readonly<Record<string, string>> = {}): BackupLocation | null {
  const at = splitPlace(place);
  if (!at) return null;
  const places = [at];
  // An alias remote: the same folder seen through what it wraps (one level, as rclone resolves it).
  const wraps = 'remote' in place ? aliases[place.remote] : undefined;
  if (wraps !== undefined) {
    const base = splitTarget(wraps);
    if (base) places.push({ root: base.root, segments: [...base.segments, ...at.segments], keys: [...base.keys, ...at.keys] });
  }
  let best: { loc: BackupLocation | null; depth: number } | undefined;
  for (const job of jobs) {
    for (const dest of job.destinations) {
      const target = splitTarget(dest.target);
      if (!target) continue;
      for (const p of places) {
        if (p.root !== target.root || p.segments.length < target.segments.length) continue;
        // Whole segments only: `NAS:backup2` is not inside `NAS:backup`.
        if (!target.keys.every((s, i) => p.keys[i] === s)) continue;
        if (best && best.depth >= target.segments.length) continue;
        const rest = p.segments.slice(target.segments.length);
        best = { depth: target.segments.length, loc: inside(job, dest.id, dest.kind, dest.target, rest) };
      }
    }
  }
  return best?.loc ?? null;
}

function inside(job: Job, destId: string, kind: DestinationKind, target: string, rest: readonly string[]): BackupLocation | null {
  const base = { jobId: job.id, jobName: job.name, destId, target };
  if (kind === 'copy') return { kind: 'copy', ...base };
  const item = (segments: readonly string[]) => (segments.length > 0 ? segments.join('/') : null);
  const found = (at: PointRef, itemPath: string | null): RestorableLocation => ({ kind: 'restorable', ...base, destKind: kind, at, itemPath });
  const [first, ...below] = rest;
  if (first === undefined) return found({ kind: 'latest' }, null);
  if (kind === 'mirror') {
    if (first === 'current') return found({ kind: 'latest' }, item(below));
    if (first === 'manifests' && below.length === 0) return found({ kind: 'latest' }, null);
    if (first === 'versions') {
      const [run, ...deeper] = below;
      if (run === undefined) return found({ kind: 'latest' }, null);
      return isPointId(run) ? found({ kind: 'replaced-by', run }, item(deeper)) : null;
    }
    return null;
  }
  if (first === 'latest') return found({ kind: 'latest' }, item(below));
  return isPointId(first) ? found({ kind: 'snapshot', id: first }, item(below)) : null;
}

/** One version of an item as `restore:versions` lists it (only what is needed here). */
interface VersionLike {
  readonly destId: string;
  readonly pointId: string;
}

/**
 * Which of an item's versions (newest first) a location names: the newest on its destination for
 * `latest`, that snapshot, or for versions/<run>/ the newest version older than <run>. -1 when
 * none fits (the point was pruned, or the item was not in it).
 */
export function versionIndexFor(versions: readonly VersionLike[], destId: string, at: PointRef): number {
  return versions.findIndex((v) => {
    if (v.destId !== destId) return false;
    if (at.kind === 'latest') return true;
    if (at.kind === 'snapshot') return v.pointId === at.id;
    return comparePointIds(v.pointId, at.run) < 0;
  });
}

/** Where an item path leads in the picker's index of a restore point. */
export interface PickerSpot {
  /** Index into `sources`, or -1 when no source folder of the index has that name. */
  readonly sourceIndex: number;
  /** The artist (or top folder) to select, when the item is one or lies inside one. */
  readonly artistPath: string | null;
  /** The album (or second-level folder) when the item is exactly one. */
  readonly album: AlbumEntry | null;
  /** `source`: the whole source folder; `artist`: an artist; `album`; `deeper`: anything below an album (a disc folder, a file) or not in the index. */
  readonly level: 'source' | 'artist' | 'album' | 'deeper';
}

/** Finds an item path (`music/Artist/Album/…`) in the picker's index. */
export function findInPicker(sources: readonly SourceIndex[], itemPath: string): PickerSpot {
  const parts = itemPath.split('/');
  const sourceIndex = sources.findIndex((s) => s.source === parts[0]);
  const source = sources[sourceIndex];
  if (parts.length === 1) return { sourceIndex, artistPath: null, album: null, level: 'source' };
  const artistPath = parts.slice(0, 2).join('/');
  const artist = source?.artists.find((a) => a.path === artistPath);
  if (parts.length === 2) return artist ? { sourceIndex, artistPath, album: null, level: 'artist' } : { sourceIndex, artistPath: null, album: null, level: 'deeper' };
  const album = artist?.albums.find((al) => al.path === parts.slice(0, 3).join('/')) ?? null;
  return { sourceIndex, artistPath: artist ? artistPath : null, album: parts.length === 3 ? album : null, level: parts.length === 3 && album ? 'album' : 'deeper' };
}

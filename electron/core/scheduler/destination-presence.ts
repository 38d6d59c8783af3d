// "Destination missing": a local destination on a drive that is not plugged in is skipped, not
// failed — and never silently recreated on the system disk (an rsync into an empty mount point
// would fill the root filesystem and look like a fresh backup).
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, sep } from 'node:path';

/** The file Reprise leaves at a local destination's root after a good run. */
export const DESTINATION_MARKER = '.reprise-destination';

export type Presence = { readonly present: true } | { readonly present: false; readonly kind: 'destination-missing'; readonly message: string; readonly hint: string };

export interface PresenceOptions {
  /** A good run has written here before (from history or settings). */
  readonly everUsed: boolean;
  /** Folders that hold mount points of removable or network drives; the default knows Linux and macOS. */
  readonly isMountContainer?: (dir: string) => boolean;
}

/** True for a local path (absolute, or a Windows drive path) rather than `REMOTE:PATH`. */
export function isLocalTarget(target: string): boolean {
  return isAbsolute(target) || /^[A-Za-z]:[\\/]/.test(target);
}

/** /media, /media/USER, /run/media/USER, /mnt, /Volumes: where drives appear when plugged in. */
export function defaultMountContainer(dir: string): boolean {
  const d = dir.replace(/[\\/]+$/, '') || '/';
  return d === '/media' || d === '/mnt' || d === '/Volumes' || /^\/media\/[^/]+$/.test(d) || /^\/run\/media\/[^/]+$/.test(d);
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function missing(target: string, why: string): Presence {
  return {
    present: false,
    kind: 'destination-missing',
    message: `Destination ${target} is not available: ${why}.`,
    hint: 'Connect the drive (or mount the share) and run the backup again; nothing was changed.',
  };
}

/** Whether a local destination folder can be written now, or is on a drive that is absent. */
export function checkLocalDestination(target: string, opts: PresenceOptions): Presence {
  const isMountContainer = opts.isMountContainer ?? defaultMountContainer;
  const windowsDrive = /^([A-Za-z]:)[\\/]/.exec(target);
  if (windowsDrive && !existsSync(`${windowsDrive[1]}${sep}`)) return missing(target, `drive ${windowsDrive[1]} is not connected`);
  if (isDir(target)) {
    // An empty mount point looks like a folder; only our marker proves the backup disk is there.
    if (opts.everUsed && !existsSync(join(target, DESTINATION_MARKER))) return missing(target, 'the folder is there but the backup in it is not (is the drive mounted?)');
    return { present: true };
  }
  if (existsSync(target)) return missing(target, 'it is not a folder');
  let parent = dirname(target);
  while (!isDir(parent) && dirname(parent) !== parent) parent = dirname(parent);
  if (isMountContainer(parent)) return missing(target, 'its drive is not connected');
  if (opts.everUsed) return missing(target, 'the folder that held the backups is gone');
  return { present: true };
}

/** Leaves the marker after a good run, so a later run can tell the real disk from an empty mount point. */
export function markDestination(target: string, info: { readonly jobId: string; readonly atMs: number }): void {
  writeFileSync(join(target, DESTINATION_MARKER), `${JSON.stringify({ app: 'reprise', jobId: info.jobId, lastSuccess: new Date(info.atMs).toISOString() })}\n`);
}

// Snapshot folder names: the UTC start time, so a plain sort is a sort by age. No colons, because
// SMB/NTFS NAS shares and Windows refuse them in file names.

const NAME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-(\d+))?$/;

/** Folder inside a destination where a run builds its tree before it becomes a snapshot. */
export const STAGING_NAME = '.reprise-staging';
/** Prefix of a snapshot being deleted; such a folder is never a restore point. */
export const DELETING_PREFIX = '.reprise-deleting-';
/** Manifest file at the root of every snapshot (and of the staging folder before the rename). */
export const MANIFEST_NAME = '.reprise-manifest.json';
/** The symlink that points at the newest complete snapshot. */
export const LATEST_NAME = 'latest';

/** Formats a time as a snapshot id, e.g. `2026-11-22T110424Z`. */
export function snapshotIdFor(time: Date): string {
  const iso = time.toISOString(); // 2026-11-22T11:04:24.123Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Reads the time back out of a snapshot id; undefined for anything that is not one. */
export function parseSnapshotId(name: string): Date | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const date = new Date(t);
  // Reject impossible dates such as month 13 that Date.UTC would silently roll over.
  return snapshotIdFor(date) === name.replace(/-\d+$/, '') ? date : undefined;
}

/** Picks an id for a new snapshot that does not clash with existing names (two runs in one second). */
export function uniqueSnapshotId(time: Date, existing: ReadonlySet<string>): string {
  const base = snapshotIdFor(time);
  if (!existing.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!existing.has(candidate)) return candidate;
  }
}

/** Orders snapshot ids oldest first; suffixes (`-2`) sort after their base second. */
export function compareSnapshotIds(a: string, b: string): number {
  const ta = parseSnapshotId(a)?.getTime() ?? 0;
  const tb = parseSnapshotId(b)?.getTime() ?? 0;
  if (ta !== tb) return ta - tb;
  const sa = Number(/-(\d+)$/.exec(a)?.[1] ?? 1);
  const sb = Number(/-(\d+)$/.exec(b)?.[1] ?? 1);
  return sa - sb;
}

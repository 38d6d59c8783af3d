// The layout of a versioned mirror: TARGET/current/<source> is the present state,
// TARGET/versions/<run id>/<source> holds what run <run id> replaced or deleted (rclone
// --backup-dir), TARGET/manifests/<run id>.json describes each run.
import { posix } from 'node:path';

/** Folder names inside a mirror target. */
export const MIRROR_CURRENT = 'current';
export const MIRROR_VERSIONS = 'versions';
export const MIRROR_MANIFESTS = 'manifests';

/** Joins path parts onto `REMOTE:PATH` or a local path without breaking the `REMOTE:` prefix. */
export function joinRemote(target: string, ...parts: readonly string[]): string {
  const colon = target.indexOf(':');
  const slash = target.search(/\//);
  const isRemote = colon > 0 && (slash === -1 || colon < slash);
  const [prefix, path] = isRemote ? [target.slice(0, colon + 1), target.slice(colon + 1)] : ['', target];
  const rest = parts.filter((p) => p.length > 0);
  if (rest.length === 0) return target;
  const joined = path === '' ? posix.join(...rest) : posix.join(path, ...rest);
  return `${prefix}${joined}`;
}

/** Arguments of the sync for one source of a mirror run. */
export interface MirrorSyncArgs {
  /** Absolute local source folder. */
  readonly source: string;
  /** The folder name it lives under in the mirror. */
  readonly base: string;
  readonly target: string;
  readonly runId: string;
  /** Stop after this many deletions (moves into the version folder); undefined = no limit. */
  readonly maxDelete?: number;
  readonly excludes?: readonly string[];
  readonly dryRun?: boolean;
}

/**
 * `rclone sync SRC TARGET/current/<base> --backup-dir TARGET/versions/<run>/<base>`. rclone wants the
 * backup dir on the same remote as the destination and not overlapping it: `current/…` and
 * `versions/…` are siblings, so neither contains the other.
 */
export function buildMirrorSyncArgs(o: MirrorSyncArgs): string[] {
  return [
    'sync',
    '--backup-dir',
    joinRemote(o.target, MIRROR_VERSIONS, o.runId, o.base),
    ...(o.maxDelete !== undefined ? ['--max-delete', String(o.maxDelete)] : []),
    ...(o.excludes ?? []).map((e) => `--exclude=${e}`),
    ...(o.dryRun ? ['--dry-run'] : []),
    '--',
    o.source,
    joinRemote(o.target, MIRROR_CURRENT, o.base),
  ];
}

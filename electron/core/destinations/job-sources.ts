// The sources of a job as a run sees them: local folders (checked on disk) or folders on rclone
// remotes (checked when they are listed). A job's sources are all of one sort: the record of a point
// holds either a walk of the disk or a listing of remotes, never both.
import { SnapshotError } from './snapshot/snapshot-errors.js';
import { checkSources } from './snapshot/snapshot-backup.js';
import { bin, comparePaths, textOf } from './record/entry.js';
import type { WalkSource } from './record/tree-walk.js';
import { isRemoteSource, sourceBaseName } from '../sources/remote-source.js';

/** The job's sources in record order, and whether they are on remotes. */
export async function jobSources(paths: readonly string[]): Promise<{ sources: WalkSource[]; remote: boolean }> {
  const remote = paths.filter(isRemoteSource);
  if (remote.length === 0) return { sources: await checkSources(paths), remote: false };
  if (remote.length !== paths.length) throw new SnapshotError('invalid-source', 'A job backs up either local folders or folders on remotes, not both: split it into two jobs.');
  const out = remote.map((p) => ({ path: p, base: bin(Buffer.from(sourceBaseName(p), 'utf8')) }));
  out.sort((a, b) => comparePaths(a.base, b.base));
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.base === out[i - 1]!.base) throw new SnapshotError('source-name-clash', `Two sources share the folder name "${textOf(out[i]!.base)}"; rename one so each has its own place in the backup.`);
  }
  return { sources: out, remote: true };
}

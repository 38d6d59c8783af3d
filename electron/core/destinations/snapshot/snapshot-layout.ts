// The layout of a snapshot destination: a folder per restore point named by its UTC start time,
// `latest` pointing at the newest, records/ describing each, and Reprise's own working folders,
// which are never restore points.
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a run builds its tree before it becomes a snapshot. */
export const STAGING_NAME = '.reprise-staging';
/** A staging folder an interrupted run left: the next run links unchanged files from it. */
export const PREVIOUS_STAGING_PREFIX = '.reprise-previous-staging-';
/** A snapshot being deleted by retention. */
export const DELETING_PREFIX = '.reprise-deleting-';
/** A run's scratch folder (record files, database copies). */
export const WORK_PREFIX = '.reprise-work-';
/** The symlink to the newest snapshot. */
export const LATEST_NAME = 'latest';

/** Whether a snapshot folder exists for a point. */
export async function snapshotFolderExists(destination: string, id: string): Promise<boolean> {
  try {
    return (await lstat(join(destination, id))).isDirectory();
  } catch {
    return false;
  }
}

/** What `latest` is: the id it points at, or why it is not a usable link. */
export async function readLatest(destination: string): Promise<{ readonly id: string } | { readonly problem: string } | null> {
  const path = join(destination, LATEST_NAME);
  let s;
  try {
    s = await lstat(path);
  } catch {
    return null;
  }
  if (!s.isSymbolicLink()) return { problem: `${path} is a ${s.isDirectory() ? 'folder' : 'file'}, not a link; the next good run puts the link back` };
  return { id: await readlink(path) };
}

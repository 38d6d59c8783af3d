// Paths typed on the command line become absolute here, so a child never reads one as a flag.
// Destinations are not among them: they are passed as typed, and the core refuses a relative one
// naming the remote meant (`--copy dav`, the colon forgotten, must not become a folder "dav"
// wherever the command happened to run).
import { resolve } from 'node:path';
import { parseTarget } from '../../shared/remotes/remote-path.js';

/** Resolves a local path against the current folder. */
export function localPath(p: string): string {
  return resolve(p);
}

/** Resolves a job source: REMOTE:PATH (a folder on an rclone remote) stays, a local path becomes absolute. */
export function sourcePath(p: string): string {
  return parseTarget(p).type === 'remote' ? p : resolve(p);
}

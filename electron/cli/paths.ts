// Paths typed on the command line become absolute here, so a child never reads one as a flag.
import { resolve } from 'node:path';
import { parseTarget } from '../core/rclone/targets.js';

/** Resolves a local path against the current folder. */
export function localPath(p: string): string {
  return resolve(p);
}

/** Resolves a destination: REMOTE:PATH stays, a local path becomes absolute. */
export function destinationPath(p: string): string {
  return parseTarget(p).type === 'remote' ? p : resolve(p);
}

/** Resolves a job source: REMOTE:PATH (a folder on an rclone remote) stays, a local path becomes absolute. */
export function sourcePath(p: string): string {
  return destinationPath(p);
}

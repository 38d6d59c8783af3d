// Paths typed on the command line become absolute here, so a child never reads one as a flag.
import { resolve } from 'node:path';
import { parseTarget } from '../../shared/remotes/remote-path.js';

/** Resolves a local path against the current folder. */
export function localPath(p: string): string {
  return resolve(p);
}

/** Resolves a destination: REMOTE:PATH stays, a local path becomes absolute. */
export function destinationPath(p: string): string {
  return parseTarget(p, { windows: process.platform === 'win32' }).type === 'remote' ? p : resolve(p);
}

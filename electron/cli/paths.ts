// Paths typed on the command line become absolute here, so a child never reads one as a flag.
// Destinations are not among them: they are passed as typed, and the core refuses a relative one
// naming the remote meant (`--copy dav`, the colon forgotten, must not become a folder "dav"
// wherever the command happened to run).
import { resolve } from 'node:path';

/** Resolves a local path against the current folder. */
export function localPath(p: string): string {
  return resolve(p);
}

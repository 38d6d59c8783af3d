// Tools for interrupting runs on purpose and checking what is left: the rclone or rsync a run
// started (found through procs.ts), and a throttled rsync so a run is surely still copying when it
// is interrupted. Waiting on a fact is procs.ts's waitFor.
import { readdirSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { processesMentioning } from './procs.js';

/** Pids of rclone or rsync children whose command line mentions `marker`. */
export function toolPids(tool: 'rclone' | 'rsync', marker: string): number[] {
  return processesMentioning(marker)
    .filter((p) => p.comm === tool)
    .map((p) => p.pid);
}

/** A wrapper that runs the real rsync at `kbps` KB/s; use it as REPRISE_RSYNC. */
export function slowRsync(dir: string, kbps = 300): string {
  const file = join(dir, 'slow-rsync');
  writeFileSync(file, `#!/bin/sh\nexec rsync --bwlimit=${kbps} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Whether any regular file lies under `dir` (recursively). */
export function holdsAFile(dir: string): boolean {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return false;
  }
  for (const e of entries) {
    const p = join(dir, e);
    try {
      const s = statSync(p);
      if (s.isFile()) return true;
      if (s.isDirectory() && holdsAFile(p)) return true;
    } catch {
      // raced
    }
  }
  return false;
}

// Tools for interrupting runs on purpose and checking what is left: waiting on facts of the file
// system (polled, never a fixed sleep), finding processes by a marker in their command line, and a
// throttled rsync so a run is surely still copying when it is interrupted.
import { readFileSync, readdirSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Polls until `fact()` is true; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, fact: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!fact()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

/** Processes (other than this one) whose command line mentions `marker`. */
export function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const state = /^State:\s+(\w)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (cmd.includes(marker) && Number(pid) !== process.pid && state !== 'Z') found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Pids of rclone or rsync children whose command line mentions `marker`. */
export function toolPids(tool: 'rclone' | 'rsync', marker: string): number[] {
  return processesMentioning(marker)
    .filter((l) => new RegExp(`^\\d+: \\S*${tool}\\s`).test(l))
    .map((l) => Number(l.split(':')[0]));
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

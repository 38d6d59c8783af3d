// Scratch folders of one Reprise process, named for it: $TMPDIR/reprise-<pid>-<purpose>-XXXXXX. A
// Reprise killed outright cannot remove its own; the next one to start removes those of processes
// that are gone, so no crash leaves lists, downloads or database copies behind for good.
import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NAME = /^reprise-(\d+)-[a-z]+-/;

/** A fresh scratch folder for this process; the caller removes it when done. */
export function scratchDir(purpose: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `reprise-${process.pid}-${purpose}-`));
}

/** scratchDir, for a caller that cannot wait (made once per run). */
export function scratchDirSync(purpose: string): string {
  return mkdtempSync(join(tmpdir(), `reprise-${process.pid}-${purpose}-`));
}

/**
 * The temporary folder, when it is (all but) full: Reprise's lists, work files and its tools' logs
 * live there, so a write that failed for want of space most likely failed there. null otherwise.
 */
export function fullTempFolder(dir: string = tmpdir()): string | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize < 1024 * 1024 ? dir : null;
  } catch {
    return null;
  }
}

/**
 * What to tell the user of a write that failed for want of space (ENOSPC says no more than "write"):
 * the temporary folder when it is full, else the places Reprise writes to.
 */
export function noSpaceText(): { readonly message: string; readonly hint: string } {
  const full = fullTempFolder();
  return {
    message: full ? `The temporary folder ${full} is full; Reprise keeps its lists and its tools' logs there.` : `A disk Reprise writes to is full (its temporary folder ${tmpdir()}, its data folder, or the folder written to).`,
    hint: 'Free some space there (or start Reprise with TMPDIR set to a folder with room) and try again.',
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the scratch folders of Reprise processes that no longer run; returns how many. */
export function sweepScratch(dir: string = tmpdir(), isAlive: (pid: number) => boolean = alive): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m || Number(m[1]) === process.pid || isAlive(Number(m[1]))) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed++;
    } catch {
      // someone else's, or already gone
    }
  }
  return removed;
}

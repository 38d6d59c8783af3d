// A top-up's list files are opened as the comparison finds changes. A run that fails or is cancelled
// before they are closed gives them up (TopUpPlan.destroy, called by the mirror run in any case):
// a desktop app runs for weeks, and every such run kept a file open until it quit.
import { readdirSync, readlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { TopUpPlan } from '../../../electron/core/destinations/mirror/top-up.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

/** Files of this process open under `dir`. */
function openFiles(dir: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false; // the fd of the listing itself, gone by now
    }
  }).length;
}

describe('a top-up plan', () => {
  it('gives its list files up when the run ends before closing them', async () => {
    const dir = tempDir();
    const plan = new TopUpPlan(dir);
    await plan.copies.add(0, 'Artist/Album/01.flac');
    await plan.copies.add(1, 'Other/02.flac');
    await plan.deletes.add(0, 'Artist/Album/old.flac');
    // The streams open their files as they start.
    await plan.opened();
    expect(openFiles(dir)).toBe(3);
    await plan.destroy();
    expect(openFiles(dir)).toBe(0);
    // Once more (a run's finally after close): nothing left to wait for.
    await plan.destroy();
  });
});

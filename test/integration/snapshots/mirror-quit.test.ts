import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killAllChildren, liveChildCount } from '../../../electron/core/process/child.js';
import { listMirrorRestorePoints } from '../../../electron/core/restore/mirror-restore.js';
import { runMirror } from '../../../electron/core/snapshots/mirror-run.js';
import { createRcloneExec } from '../../../electron/core/snapshots/rclone-exec.js';

describe('quitting Reprise during a versioned-mirror run', () => {
  let work: string;
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('ends rclone with every other child and offers no restore point from the cut-off run', async () => {
    work = mkdtempSync(join(tmpdir(), 'reprise-mirror-quit-'));
    const music = join(work, 'music');
    mkdirSync(music);
    writeFileSync(join(music, 'first.flac'), Buffer.alloc(10_000, 1));
    const target = join(work, 'mirror');
    const job = { id: 'j', name: 'Music' };
    const fast = createRcloneExec();
    await runMirror({ target, sources: [music], job, repriseVersion: 't', exec: fast });

    writeFileSync(join(music, 'big.flac'), Buffer.alloc(6_000_000, 2));
    // rclone reads its flags from RCLONE_* variables too: slow enough to be cut off mid-transfer.
    const slow = createRcloneExec({ env: { RCLONE_BWLIMIT: '1M' } });
    let running = 0;
    const cut = runMirror({
      target,
      sources: [music],
      job,
      repriseVersion: 't',
      exec: slow,
      onLine: () => {
        if (running) return;
        running = liveChildCount();
        killAllChildren(); // what the core does on quit
      },
    }).then(
      (m) => m.outcome,
      (e: Error) => `threw: ${e.message}`,
    );
    const outcome = await cut;
    expect(running).toBe(1);
    expect(liveChildCount()).toBe(0);
    expect(['failed', 'cancelled']).toContain(outcome);
    const points = await listMirrorRestorePoints(fast, target);
    expect(points).toHaveLength(1);
    expect(points[0]!.files).toBe(1);
  });
});

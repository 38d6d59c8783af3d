// Retention of a versioned mirror (on a local folder, the same rclone code paths as a remote):
// old restore points go, the ones kept still rebuild exactly.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listMirrorRestorePoints, restoreFromMirror } from '../../../electron/core/restore/mirror-restore.js';
import { pruneMirrorVersions } from '../../../electron/core/snapshots/mirror-prune.js';
import { runMirror } from '../../../electron/core/snapshots/mirror-run.js';
import { createRcloneExec } from '../../../electron/core/snapshots/rclone-exec.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('mirror retention', () => {
  it('drops the oldest restore points and their version folders; kept points still restore exactly', async () => {
    const root = tempDir();
    const music = join(root, 'music');
    const target = join(root, 'mirror');
    mkdirSync(join(music, 'A', 'B'), { recursive: true });
    const exec = createRcloneExec({ configFile: '/dev/null' });
    let t = Date.UTC(2026, 0, 1, 3);
    const ids: string[] = [];
    // Four daily runs; the track changes every day (a different size each time).
    for (let day = 1; day <= 4; day++) {
      writeFileSync(join(music, 'A', 'B', 'track.flac'), `version ${day} `.repeat(day));
      const m = await runMirror({ target, sources: [music], job: { id: 'j', name: 'M' }, repriseVersion: 't', exec, clock: () => new Date((t += 86_400_000)) });
      expect(m.outcome).toBe('ok');
      ids.push(m.id);
    }
    expect(readdirSync(join(target, 'versions')).sort()).toEqual(ids.slice(1));

    const log: string[] = [];
    const removed = await pruneMirrorVersions(exec, target, { keepLast: 2 }, (l) => log.push(l));
    expect(removed).toEqual(ids.slice(0, 2));
    expect(log.length).toBe(2);
    expect((await listMirrorRestorePoints(exec, target)).map((p) => p.id)).toEqual([ids[3], ids[2]]);
    // Point 3 needs versions/<run 4> only; versions of runs 2 and 3 are gone.
    expect(readdirSync(join(target, 'versions'))).toEqual([ids[3]]);

    const to = tempDir();
    const r = await restoreFromMirror({ exec, target, at: ids[2]!, path: 'music/A/B/track.flac', to, policy: 'skip' });
    expect(r.verification?.ok).toBe(true);
    expect(readFileSync(join(to, 'track.flac'), 'utf8')).toBe('version 3 '.repeat(3));
  });
});

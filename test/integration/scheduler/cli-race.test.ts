// Two `reprise run` processes racing for one job on one data dir: exactly one runs, the other is
// told who runs it; then `reprise cancel` from a third process stops the winner.
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repriseBin, reprise } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('one run per job across processes', () => {
  it('lets exactly one of two racing `reprise run` processes run; `reprise cancel` stops it from outside', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const music = join(root, 'Music');
    // 20 MB at 1 MB/s: the winner is certainly still running when the loser looks.
    makeLibrary(music, { artists: ['Sigur Rós'], tracksPerAlbum: 2, trackBytes: 10_000_000 });
    const add = await reprise(dataDir, ['job', 'add', 'Music', '--source', music, '--copy', join(root, 'dest'), '--bwlimit', '1M']);
    expect(add.exitCode).toBe(0);

    const runOne = () => execa(process.execPath, [repriseBin, '--data-dir', dataDir, 'run', 'Music'], { reject: false, all: false, timeout: 120_000 });
    const a = runOne();
    const b = runOne();
    // The loser exits at once; the winner keeps copying.
    const loser = await Promise.race([a.then((r) => ({ r, which: 'a' as const })), b.then((r) => ({ r, which: 'b' as const }))]);
    const winner = loser.which === 'a' ? b : a;
    expect(loser.r.exitCode).toBe(1);
    expect(String(loser.r.stderr)).toMatch(/"Music" is already running in reprise run \(process \d+\) since \d{4}-/);
    expect(String(loser.r.stderr)).not.toMatch(/\n\s+at /); // no stack trace

    const cancel = await reprise(dataDir, ['cancel', 'Music']);
    expect(cancel.stderr).toBe('');
    expect(cancel.stdout).toBe('Cancelled the backup of "Music".');
    expect(cancel.exitCode).toBe(0);
    const w = await winner;
    expect(w.exitCode).toBe(130);

    const history = JSON.parse((await reprise(dataDir, ['--json', 'history', 'Music'])).stdout) as { trigger: string; outcome: string }[];
    expect(history.map((r) => [r.trigger, r.outcome])).toEqual([['cli', 'cancelled']]);
    const again = await reprise(dataDir, ['cancel', 'Music']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/"Music" is not running\./);
  });
});

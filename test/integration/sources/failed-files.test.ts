// Files a run could not back up are listed per destination in History (reprise changes) with
// rclone's, rsync's or the walk's reason (copy, mirror and snapshot destinations alike), and the next run tries them again: an unreadable file (Reprise runs
// as nobody), then readable again.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repriseAs } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

type Changes = { failures: Array<{ destId: string; target: string; path: string; error: string }> };

describe('files that failed at a destination', () => {
  it('are listed per destination with their errors, and the next run backs them up', { timeout: 120_000 }, async () => {
    const base = tempDir();
    const data = join(base, 'data');
    const src = join(base, 'Music');
    const copy = join(base, 'copy');
    const mirror = join(base, 'mirror');
    const snaps = join(base, 'snaps');
    for (const d of [data, src, copy, mirror, snaps, join(src, 'A')]) mkdirSync(d, { recursive: true });
    writeFileSync(join(src, 'A', 'open.flac'), 'open');
    writeFileSync(join(src, 'A', 'locked.flac'), 'locked');
    for (const p of [base, data, src, join(src, 'A'), copy, mirror, snaps]) chmodSync(p, 0o777);
    chmodSync(join(src, 'A', 'open.flac'), 0o644);
    chmodSync(join(src, 'A', 'locked.flac'), 0o000);
    const cli = (args: string[]) => repriseAs('nobody', data, args);
    expect((await cli(['job', 'add', 'F', '--source', src, '--copy', copy, '--mirror', mirror, '--snapshot', snaps])).exitCode).toBe(0);

    const first = await cli(['run', 'F']);
    expect(first.exitCode, first.stdout + first.stderr).toBe(3);
    const changes = JSON.parse((await cli(['changes', 'F', '--json'])).stdout) as Changes;
    expect(changes.failures.map((f) => `${f.target} ${f.path}`).sort()).toEqual([`${copy} Music/A/locked.flac`, `${mirror} Music/A/locked.flac`, `${snaps} Music/A/locked.flac`]);
    for (const f of changes.failures) expect(f.error).toMatch(/permission denied/i);
    const text = await cli(['changes', 'F']);
    expect(text.stdout).toContain(`${copy}: 1 file not backed up (the next run tries again)`);
    expect(text.stdout).toContain('✗ Music/A/locked.flac — ');
    expect(text.stdout).toContain(`${snaps}: 1 file not backed up (the next run tries again)`);

    chmodSync(join(src, 'A', 'locked.flac'), 0o644);
    const second = await cli(['run', 'F']);
    expect(second.exitCode, second.stdout + second.stderr).toBe(0);
    expect(readFileSync(join(copy, 'Music', 'A', 'locked.flac'), 'utf8')).toBe('locked');
    expect(readFileSync(join(mirror, 'current', 'Music', 'A', 'locked.flac'), 'utf8')).toBe('locked');
    expect(readFileSync(join(snaps, 'latest', 'Music', 'A', 'locked.flac'), 'utf8')).toBe('locked');
    expect((JSON.parse((await cli(['changes', 'F', '--json'])).stdout) as Changes).failures).toEqual([]);
  });
});

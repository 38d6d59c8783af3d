// A restore holds its restore point against pruning in every process, not only its own: while a
// `reprise restore` copies from the oldest point, a `reprise run` in another process (keep-last 1)
// keeps that point; once the restoring process is gone (killed outright, no clean-up), its lease
// holds nothing and the next run prunes the point.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../../support/cli.js';
import { slowRsync } from '../../support/faults.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const ALBUM = 'music/Artist/Album';

afterAll(cleanupTempDirs);

type Points = Array<{ points: Array<{ id: string }> }>;

describe('the restore-point lease', () => {
  it('a restore in one process holds its point against pruning by a run in another', async () => {
    const root = tempDir();
    const data = join(root, 'data');
    const album = join(root, ...ALBUM.split('/'));
    mkdirSync(album, { recursive: true });
    writeFileSync(join(album, '01.flac'), Buffer.alloc(6_000_000, 7));
    const snapshots = join(root, 'snapshots');
    mkdirSync(snapshots);
    expect((await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'music'), '--snapshot', snapshots, '--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0'])).exitCode).toBe(0);
    const points = async () => (JSON.parse((await reprise(data, ['snapshots', 'Music', '--json'])).stdout) as Points)[0]!.points.map((p) => p.id);
    const run = async (n: number) => {
      writeFileSync(join(album, `new-${n}.flac`), `track ${n}`);
      const r = await reprise(data, ['run', 'Music']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    };
    await run(1);
    const [first] = await points();
    expect(first).toBeDefined();

    // A restore from the first point, held to 300 KB/s by a real rsync so it is surely still copying.
    const to = join(root, 'restored');
    mkdirSync(to);
    const restore = spawn(process.execPath, [repriseBin, '--data-dir', data, 'restore', 'Music', '--path', ALBUM, '--at', first!, '--to', to, '--json'], {
      env: { ...process.env, REPRISE_RSYNC: slowRsync(root, 300) },
    });
    const exited = new Promise<void>((r) => restore.on('exit', () => r()));
    const lines = createInterface({ input: restore.stdout });
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        const e = JSON.parse(line) as { event?: string; phase?: string; bytes?: number };
        if (e.event === 'progress' && e.phase === 'copying' && (e.bytes ?? 0) > 0) resolve();
      });
      restore.on('exit', () => reject(new Error('the restore ended before it copied')));
    });

    // Another process runs the job: keep-last 1 would remove the first point, but it is held.
    await run(2);
    const during = await points();
    expect(during).toContain(first);
    expect(during).toHaveLength(2);

    // The restoring process dies without a word: its lease holds nothing any more.
    restore.kill('SIGKILL');
    await exited;
    await run(3);
    const after = await points();
    expect(after).not.toContain(first);
    expect(after).toHaveLength(1);
  }, 180_000);
});

// A snapshot after a small change: Reprise hard-links the files the walk found unchanged from the
// base snapshot itself and rsync copies only folders and what changed. Unchanged files must share
// the earlier snapshot's inode; changed ones — new bytes, a new mode, a new member of a hard-link
// group — must not (a mode changed on a shared inode would rewrite the earlier point). Judged by
// inodes and by restoring both points and comparing with the source as it was at each.
import { chmodSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

afterAll(cleanupTempDirs);

function logOf(stdout: string): string {
  const path = /Log: (\S+)/.exec(stdout)?.[1];
  return path ? readFileSync(path, 'utf8') : '';
}

describe('a snapshot after a small change', () => {
  it('links the unchanged files itself, copies what changed, and both points restore as the source was', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    for (let a = 0; a < 4; a++) {
      mkdirSync(join(src, `Artist ${a}`, 'Album'), { recursive: true });
      for (let t = 0; t < 6; t++) writeFileSync(join(src, `Artist ${a}`, 'Album', `${t} Track.flac`), `artist ${a} track ${t}`);
    }
    writeFileSync(join(src, 'top.txt'), 'a file at the top');
    writeFileSync(join(src, 'Artist 0', 'pair-a'), 'one inode, two names');
    linkSync(join(src, 'Artist 0', 'pair-a'), join(src, 'Artist 0', 'pair-b'));
    symlinkSync('Album/0 Track.flac', join(src, 'Artist 1', 'first'));
    const dest = tempDir();
    expect((await reprise(data, ['job', 'add', 'L', '--source', src, '--snapshot', dest])).exitCode).toBe(0);
    const truth1 = describeTree(src);
    const run1 = await reprise(data, ['run', 'L']);
    expect(run1.exitCode, run1.stdout + run1.stderr).toBe(0);
    const [p1] = readdirSync(dest).filter((n) => /^\d{4}-/.test(n));

    // The change: new bytes, a new mode, a new name in the hard-link group, an added and a deleted file, a folder's time.
    writeFileSync(join(src, 'Artist 2', 'Album', '3 Track.flac'), 'new bytes for track 3');
    chmodSync(join(src, 'Artist 3', 'Album', '1 Track.flac'), 0o600);
    linkSync(join(src, 'Artist 0', 'pair-a'), join(src, 'Artist 0', 'pair-c'));
    writeFileSync(join(src, 'Artist 1', 'Album', 'bonus.flac'), 'a new track');
    rmSync(join(src, 'Artist 1', 'Album', '5 Track.flac'));
    utimesSync(join(src, 'Artist 2'), new Date('2020-02-02T02:02:02Z'), new Date('2020-02-02T02:02:02Z'));
    const truth2 = describeTree(src);
    const run2 = await reprise(data, ['run', 'L']);
    expect(run2.exitCode, run2.stdout + run2.stderr).toBe(0);
    expect(logOf(run2.stdout)).toMatch(/music: \d+ unchanged files linked to snapshot/);
    const p2 = readdirSync(dest).find((n) => /^\d{4}-/.test(n) && n !== p1)!;
    const ino = (p: string, rel: string) => statSync(join(dest, p, 'music', rel)).ino;

    // Unchanged: the earlier snapshot's inode. Changed in any way: a file of its own.
    for (const rel of ['Artist 0/Album/0 Track.flac', 'Artist 3/Album/5 Track.flac', 'top.txt']) expect(ino(p2, rel), rel).toBe(ino(p1!, rel));
    for (const rel of ['Artist 2/Album/3 Track.flac', 'Artist 3/Album/1 Track.flac']) expect(ino(p2, rel), rel).not.toBe(ino(p1!, rel));
    // The earlier point keeps its mode; the group keeps together in the new one.
    expect(statSync(join(dest, p1!, 'music', 'Artist 3', 'Album', '1 Track.flac')).mode & 0o777).toBe(0o644);
    expect(ino(p2, 'Artist 0/pair-c')).toBe(ino(p2, 'Artist 0/pair-a'));
    expect(ino(p2, 'Artist 0/pair-b')).toBe(ino(p2, 'Artist 0/pair-a'));

    for (const [point, truth] of [[p1!, truth1], [p2, truth2]] as const) {
      const to = tempDir();
      const r = await reprise(data, ['restore', 'L', '--at', point, '--path', 'music', '--to', to]);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✓ verified/);
      expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
    }
    const v = await reprise(data, ['verify', 'L', '--deep']);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }, 240_000);
});

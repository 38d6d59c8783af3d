// The restore engine on a real disk, with a fetcher that copies from a folder: folders before their
// content, files placed and checked a few at once, hard-link members linked to their group's first
// file and checked against it after, and a target that already holds part of the item.
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, lstatSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordEntry } from '../../../electron/core/destinations/record/entry.js';
import { type ByteFetcher, restoreTree } from '../../../electron/core/destinations/restore/restore-tree.js';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(() => cleanupTempDirs());

/** A source tree `music/` with two albums, a hard-link pair and a symlink; its entries in record order. */
function source(): { root: string; entries: RecordEntry[] } {
  const root = tempDir();
  const m = join(root, 'music');
  mkdirSync(join(m, 'A'), { recursive: true });
  mkdirSync(join(m, 'B'));
  writeFileSync(join(m, 'A', 'one.flac'), 'first track');
  linkSync(join(m, 'A', 'one.flac'), join(m, 'A', 'two.flac'));
  symlinkSync('one.flac', join(m, 'A', 'link'));
  for (let t = 0; t < 30; t++) writeFileSync(join(m, 'B', `${String(t).padStart(2, '0')}.flac`), `track ${t} of B`);
  const paths = ['music', 'music/A', 'music/A/link', 'music/A/one.flac', 'music/A/two.flac', 'music/B', ...Array.from({ length: 30 }, (_, t) => `music/B/${String(t).padStart(2, '0')}.flac`)];
  const entries = paths.map((p): RecordEntry => {
    const s = lstatSync(join(root, p), { bigint: true });
    const type = s.isDirectory() ? 'd' : s.isSymbolicLink() ? 'l' : 'f';
    return {
      path: p,
      type,
      size: type === 'f' ? Number(s.size) : 0,
      mtime: s.mtimeNs.toString(),
      mode: Number(s.mode & 0o7777n),
      uid: Number(s.uid),
      gid: Number(s.gid),
      ...(type === 'l' ? { link: 'one.flac' } : {}),
      ...(p === 'music/A/two.flac' ? { hardlink: 'music/A/one.flac' } : {}),
      ...(type === 'f' ? { hash: createHash('md5').update(readFileSync(join(root, p))).digest('hex') } : {}),
    };
  });
  return { root, entries };
}

/** Copies each asked file from the source folder into the stage, as a destination kind would fetch it. */
function folderFetcher(root: string, asked: string[][]): ByteFetcher {
  return {
    async fetch(files, stage) {
      asked.push(files.map((f) => f.path));
      const staged = new Map<string, Buffer>();
      for (const f of files) {
        const to = join(stage.toString(), f.path);
        mkdirSync(join(to, '..'), { recursive: true });
        copyFileSync(join(root, f.path), to);
        staged.set(f.path, Buffer.from(to));
      }
      return { staged, missing: new Map() };
    },
  };
}

const restore = (entries: RecordEntry[], fetcher: ByteFetcher, to: string) =>
  restoreTree({ entries, item: 'music', to, policy: 'skip', dryRun: false, fetcher, children: new ChildRunner() });

describe('restoreTree', () => {
  it('rebuilds the item in an empty target: every entry as recorded, the hard-link pair one file, all verified', async () => {
    const { root, entries } = source();
    const asked: string[][] = [];
    const to = tempDir();
    const r = await restore(entries, folderFetcher(root, asked), to);
    expect(r.verification).toMatchObject({ ok: true, mismatches: [], missing: [], checked: entries.length });
    expect(r.createFiles).toBe(33); // files and the link
    // The member's bytes are never fetched: it is linked to its group's first file.
    expect(asked.flat()).not.toContain('music/A/two.flac');
    expect(asked.flat()).toHaveLength(31);
    const one = lstatSync(join(to, 'music', 'A', 'one.flac'));
    expect(lstatSync(join(to, 'music', 'A', 'two.flac')).ino).toBe(one.ino);
    for (const e of entries) {
      const s = lstatSync(join(to, e.path), { bigint: true });
      expect(s.mtimeNs / 1000n, e.path).toBe(BigInt(e.mtime) / 1000n);
      if (e.type === 'f') expect(readFileSync(join(to, e.path)).equals(readFileSync(join(root, e.path))), e.path).toBe(true);
    }
  });

  it('keeps what the target already holds, fills in the rest, and says a member that is a copy is not a hard link', async () => {
    const { root, entries } = source();
    const to = tempDir();
    // Already there: album B with one track of other bytes, and A's member as a copy of its own
    // (the recorded bytes and time, another inode).
    mkdirSync(join(to, 'music', 'B'), { recursive: true });
    writeFileSync(join(to, 'music', 'B', '07.flac'), 'something else');
    mkdirSync(join(to, 'music', 'A'));
    copyFileSync(join(root, 'music', 'A', 'two.flac'), join(to, 'music', 'A', 'two.flac'));
    const t = Number(BigInt(entries.find((e) => e.path === 'music/A/two.flac')!.mtime) / 1000n) / 1e6;
    utimesSync(join(to, 'music', 'A', 'two.flac'), t, t);
    const asked: string[][] = [];
    const r = await restore(entries, folderFetcher(root, asked), to);
    expect(r.skipFiles).toBe(1);
    expect(r.verification!.keptExisting).toEqual(['music/B/07.flac']);
    expect(readFileSync(join(to, 'music', 'B', '07.flac'), 'utf8')).toBe('something else');
    expect(asked.flat()).not.toContain('music/B/07.flac');
    expect(readFileSync(join(to, 'music', 'B', '08.flac'), 'utf8')).toBe('track 8 of B');
    expect(r.verification!.mismatches).toEqual(['music/A/two.flac: not a hard link of music/A/one.flac']);
    expect(r.verification!.ok).toBe(false);
  });
});

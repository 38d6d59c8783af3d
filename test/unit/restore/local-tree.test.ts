import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listLocalTree } from '../../../electron/core/restore/music-index.js';

describe('listLocalTree', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists every file and folder of a deep tree once, with sizes and inodes, reading folders in parallel', async () => {
    root = mkdtempSync(join(tmpdir(), 'reprise-tree-'));
    for (let a = 0; a < 30; a++) {
      for (let b = 0; b < 7; b++) {
        const dir = join(root, `Artist ${a}`, `Album ${b} (Ágætis)`, b % 3 === 0 ? 'CD 2' : '');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `0${b} Track.flac`), 'x'.repeat(a + b));
      }
    }
    linkSync(join(root, 'Artist 0', 'Album 1 (Ágætis)', '01 Track.flac'), join(root, 'Artist 0', 'linked.flac'));
    symlinkSync('/etc', join(root, 'Artist 1', 'outside')); // not followed, not listed as a file or folder

    const listed = await listLocalTree(root, 4);
    const reference = (readdirSync(root, { recursive: true }) as string[]).filter((p) => !p.split('/').includes('outside')).sort();
    expect(listed.map((e) => e.path).sort()).toEqual(reference);
    for (const e of listed.filter((x) => !x.isDir)) {
      const s = statSync(join(root, e.path));
      expect([e.size, e.ino]).toEqual([s.size, s.ino]);
    }
    const linked = listed.filter((e) => e.path.endsWith('linked.flac') || e.path === 'Artist 0/Album 1 (Ágætis)/01 Track.flac');
    expect(linked).toHaveLength(2);
    expect(new Set(linked.map((e) => e.ino)).size).toBe(1);
  });

  it('rejects when the root cannot be read', async () => {
    root = mkdtempSync(join(tmpdir(), 'reprise-tree-'));
    await expect(listLocalTree(join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

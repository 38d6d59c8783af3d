// The walk hands large trees to a thread (tree-walk.ts, walk-thread.ts). Whatever the place of the
// hand-over, the entries, their order and the problems reported must be exactly those of the walk
// done on one thread: the record of a point cannot depend on how fast its folders were listed.
import { execFileSync } from 'node:child_process';
import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type WalkOptions, type WalkedEntry, orderSources, walkSources } from '../../../electron/core/destinations/record/tree-walk.js';
import { parseFilterDump } from '../../../electron/core/destinations/record/source-filter.js';
import { WalkThread } from '../../../electron/core/destinations/record/walk-thread.js';
import { textOf } from '../../../electron/core/destinations/record/entry.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

/** Trees past PATH_MAX: Node's rm cannot remove them, GNU rm can (it works relative to each folder). */
const tooLong: string[] = [];
afterAll(() => {
  for (const d of tooLong) execFileSync('rm', ['-rf', d]);
  cleanupTempDirs();
});

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A tree with every kind of entry, folders of many sizes, and a path too long to stat. */
async function tricky(): Promise<string[]> {
  const root = tempDir();
  const music = join(root, 'music');
  for (let a = 0; a < 12; a++) {
    for (let b = 0; b < (a % 3) + 1; b++) {
      const album = join(music, `Artist ${a}`, `Album ${b}`);
      await mkdir(album, { recursive: true });
      for (let t = 0; t < (a * 5 + b) % 9; t++) await writeFile(join(album, `${t}.flac`), `track ${a} ${b} ${t}`);
    }
  }
  // A folder longer than a stat batch (64), with folders among its names: the hand-over happens
  // while a lower folder still holds names it stat'ed and has not handled yet.
  const big = join(music, 'Big');
  await mkdir(big);
  for (let i = 0; i < 150; i++) {
    const name = join(big, `n${String(i).padStart(3, '0')}`);
    if (i % 37 === 5) {
      await mkdir(name);
      for (let j = 0; j < 3; j++) await writeFile(join(name, `inner${j}`), 'x');
    } else await writeFile(name, `n${i}`);
  }
  await mkdir(join(music, 'Odd'));
  await writeFile(Buffer.from(`${music}/Odd/caf\xe9.flac`, 'latin1'), 'latin-1 name');
  await writeFile(Buffer.from(`${music}/Odd/caf\xe9.tmp`, 'latin1'), 'excluded, not UTF-8');
  await writeFile(join(music, 'Odd', 'draft.tmp'), 'excluded');
  await writeFile(join(music, 'Odd', 'one'), 'one');
  await link(join(music, 'Odd', 'one'), join(music, 'Odd', 'two'));
  await symlink('one', join(music, 'Odd', 'link'));
  await symlink('/nowhere', join(music, 'Odd', 'broken'));
  execFileSync('mkfifo', [join(music, 'Odd', 'fifo')]);
  await writeFile(join(music, 'Odd', 'library.db'), Buffer.concat([SQLITE_HEADER, Buffer.alloc(100)]));
  await writeFile(join(music, 'Odd', 'library.db-wal'), 'side file of a database: left out');
  await writeFile(join(music, 'Odd', 'notes.db-wal'), 'no database beside it: kept');
  await mkdir(join(music, 'Skip', 'deep'), { recursive: true });
  await writeFile(join(music, 'Skip', 'deep', 'x'), 'excluded folder');
  // Past PATH_MAX: the last folder's names cannot be stat'ed (a problem, reported either way).
  let deep = 'music/Long';
  for (let i = 0; i < 22; i++) deep += `/${String(i).padStart(2, '0')}${'x'.repeat(198)}`;
  tooLong.push(join(music, 'Long'));
  execFileSync('bash', ['-c', 'set -e; cd "$1"; IFS=/ read -ra parts <<< "$2"; for p in "${parts[@]}"; do mkdir -p "$p"; cd "$p"; done; echo data > file', '-', root, deep]);
  // Unreadable for the walk, which runs as nobody (below): a folder it cannot list, and one it can
  // list but whose names it cannot stat.
  await mkdir(join(music, 'Locked'));
  await writeFile(join(music, 'Locked', 'hidden'), 'x');
  await mkdir(join(music, 'Listable'));
  await writeFile(join(music, 'Listable', 'unstattable'), 'x');
  execFileSync('chmod', ['-R', 'a+rX', root]);
  execFileSync('chmod', ['000', join(music, 'Locked')]);
  execFileSync('chmod', ['644', join(music, 'Listable')]);
  const other = join(root, 'other');
  await mkdir(join(other, 'A'), { recursive: true });
  for (let i = 0; i < 70; i++) await writeFile(join(other, 'A', `f${i}`), String(i));
  return [music, other];
}

const filter = parseFilterDump(
  '--- start filters ---\n--- File filter rules ---\n- (^|/)[^/]*\\.tmp$\n- (^|/)Skip/.*$\n--- Directory filter rules ---\n- (^|/)Skip/.*$\n--- end filters ---\n',
);

/** The walk as nobody (root reads everything): the effective uid of every thread of this process. */
async function walk(sources: string[], o: Partial<WalkOptions>): Promise<{ entries: WalkedEntry[]; problems: string[] }> {
  const problems: string[] = [];
  const entries: WalkedEntry[] = [];
  const seteuid = process.geteuid?.() === 0 ? process.seteuid : undefined;
  seteuid?.('nobody');
  try {
    for await (const e of walkSources({ sources: orderSources(sources), filter, onProblem: (m) => problems.push(m), ...o })) entries.push(e);
  } finally {
    seteuid?.(0);
  }
  return { entries, problems };
}

describe('the walk thread', () => {
  it('gives the same entries, in the same order, with the same problems, wherever the walk hands over', async () => {
    const sources = await tricky();
    const alone = await walk(sources, { threadAfter: Infinity });
    const paths = alone.entries.map((e) => textOf(e.path));
    // The tree is what the test means it to be.
    expect(alone.entries.length).toBeGreaterThan(300);
    expect(paths).toContain('music/Odd/caf\ufffd.flac');
    expect(paths).toContain('music/Odd/notes.db-wal');
    expect(paths).not.toContain('music/Odd/library.db-wal');
    expect(paths.filter((p) => /\.tmp$|Skip\//.test(p))).toEqual([]);
    expect(paths).not.toContain('music/Skip');
    expect(paths).toContain('music/Long');
    expect(alone.entries.find((e) => textOf(e.path) === 'music/Odd/two')?.hardlink).toBe('music/Odd/one');
    expect(alone.entries.find((e) => textOf(e.path) === 'music/Odd/library.db')?.sqlite).toBe(true);
    expect(alone.entries.find((e) => textOf(e.path) === 'music/Odd/fifo')?.type).toBe('o');
    expect(alone.entries.find((e) => textOf(e.path) === 'music/Odd/broken')?.link).toBe('/nowhere');
    expect(alone.problems).toEqual([
      `${sources[0]}/Listable/unstattable: not readable (permission denied)`,
      'music/Locked: folder not readable (permission denied)',
      expect.stringMatching(/\/Long\/.*x: ENAMETOOLONG: name too long, lstat /),
    ]);
    expect(alone.entries.find((e) => textOf(e.path) === 'music/Locked')?.lack).toBe('folder not readable (permission denied)');
    expect(alone.entries.some((e) => (e.listed?.length ?? 0) > 100)).toBe(true);

    for (const after of [0, 1, 2, 9, 40, 64, 65, 130, 250, 300]) {
      const before = WalkThread.started;
      const threaded = await walk(sources, { threadAfter: after, waitForThread: true });
      expect(WalkThread.started, `a thread started past ${after} entries`).toBe(before + 1);
      expect(threaded.problems, `past ${after}`).toEqual(alone.problems);
      expect(threaded.entries.map((e) => textOf(e.path)), `past ${after}`).toEqual(paths);
      expect(threaded.entries, `past ${after}`).toEqual(alone.entries);
    }
  });

  it('stays on this thread for a filter it cannot hand over, and stops when asked to', async () => {
    const sources = await tricky();
    const alone = await walk(sources, { threadAfter: Infinity });
    const before = WalkThread.started;
    const own = { includeFile: filter.includeFile, includeDir: filter.includeDir };
    const kept = await walk(sources, { threadAfter: 0, waitForThread: true, filter: own });
    expect(WalkThread.started).toBe(before);
    expect(kept.entries).toEqual(alone.entries);

    // Left half way: the thread ends with the walk, and a walk after it is whole.
    let seen = 0;
    for await (const _ of walkSources({ sources: orderSources(sources), filter, threadAfter: 0, waitForThread: true })) if (++seen === 50) break;
    const ac = new AbortController();
    const aborted = (async () => {
      for await (const _ of walkSources({ sources: orderSources(sources), filter, threadAfter: 0, waitForThread: true, signal: ac.signal })) if (++seen === 120) ac.abort();
    })();
    await expect(aborted).rejects.toThrow(/abort/i);
    expect((await walk(sources, { threadAfter: 0, waitForThread: true })).entries).toEqual(alone.entries);
  });
});

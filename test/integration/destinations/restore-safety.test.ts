// A restore never writes outside the chosen folder, whatever links an attacker (or an accident) left
// in it: a two-hop chain (T/music -> evil, T/evil -> /elsewhere), a link inside an existing album,
// a link where a file should go. It creates the folder when it does not exist, and refuses bad paths.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

let root: string;
let src: string;
let data: string;
let truth: string[];
const cli = (args: string[]) => reprise(data, args);

beforeAll(async () => {
  root = tempDir();
  src = join(root, 'music');
  data = join(root, 'data');
  mkdirSync(join(src, 'Artist', 'Album'), { recursive: true });
  writeFileSync(join(src, 'Artist', 'Album', '01.flac'), 'track one');
  writeFileSync(join(src, 'Artist', 'Album', '02.flac'), 'track two');
  expect((await cli(['job', 'add', 'S', '--source', src, '--snapshot', join(root, 'snaps'), '--mirror', join(root, 'mirror')])).exitCode).toBe(0);
  expect((await cli(['run', 'S'])).exitCode).toBe(0);
  truth = describeTree(src);
}, 60_000);
afterAll(cleanupTempDirs);

/** Every file under a folder (names only), to prove nothing was written there. */
const filesUnder = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []);

describe.each(['snaps', 'mirror'])('restoring from the %s destination', (dest) => {
  it('refuses to follow a two-hop chain of links out of the target', async () => {
    const to = tempDir();
    const elsewhere = tempDir();
    symlinkSync(join(to, 'evil'), join(to, 'music'));
    symlinkSync(elsewhere, join(to, 'evil'));
    for (const policy of ['skip', 'keep-both']) {
      const r = await cli(['restore', 'S', '--path', 'music', '--from', join(root, dest), '--to', to, '--conflict', policy]);
      expect(filesUnder(elsewhere), policy).toEqual([]);
      expect(lstatSync(join(to, 'music')).isSymbolicLink()).toBe(true);
      if (policy === 'keep-both') {
        expect(r.exitCode, r.stdout).toBe(0);
        const restored = readdirSync(to).find((n) => n.startsWith('music (restored'))!;
        expect(treeDiff(truth, describeTree(join(to, restored)))).toEqual([]);
      }
    }
    // Overwrite replaces the link itself with a real folder: still nothing lands outside.
    const over = await cli(['restore', 'S', '--path', 'music', '--from', join(root, dest), '--to', to, '--conflict', 'overwrite']);
    expect(over.exitCode, over.stdout).toBe(0);
    expect(filesUnder(elsewhere)).toEqual([]);
    expect(lstatSync(join(to, 'music')).isDirectory()).toBe(true);
    expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
  });

  it('never writes through a link inside the target, whether in place of a folder or of a file', async () => {
    const to = tempDir();
    const elsewhere = tempDir();
    mkdirSync(join(to, 'music', 'Artist'), { recursive: true });
    symlinkSync(elsewhere, join(to, 'music', 'Artist', 'Album'));
    const outsideFile = join(elsewhere, 'victim');
    writeFileSync(outsideFile, 'keep me');
    mkdirSync(join(to, 'music2'));
    const r = await cli(['restore', 'S', '--path', 'music', '--from', join(root, dest), '--to', to, '--conflict', 'overwrite']);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(filesUnder(elsewhere)).toEqual(['victim']);
    expect(readFileSync(outsideFile, 'utf8')).toBe('keep me');
    expect(lstatSync(join(to, 'music', 'Artist', 'Album')).isDirectory()).toBe(true);
    expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);

    // A link where a track should be: skip leaves it, overwrite replaces the link, never its target.
    const to2 = tempDir();
    mkdirSync(join(to2, 'Album'));
    symlinkSync(outsideFile, join(to2, 'Album', '01.flac'));
    expect((await cli(['restore', 'S', '--path', 'music/Artist/Album', '--from', join(root, dest), '--to', to2, '--conflict', 'overwrite'])).exitCode).toBe(0);
    expect(readFileSync(outsideFile, 'utf8')).toBe('keep me');
    expect(lstatSync(join(to2, 'Album', '01.flac')).isFile()).toBe(true);
    expect(readFileSync(join(to2, 'Album', '01.flac'), 'utf8')).toBe('track one');
  });

  it('creates a target folder that does not exist, and refuses paths that climb out', async () => {
    const to = join(tempDir(), 'Restored', 'here');
    const r = await cli(['restore', 'S', '--path', 'music/Artist', '--from', join(root, dest), '--to', to]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(readFileSync(join(to, 'Artist', 'Album', '02.flac'), 'utf8')).toBe('track two');
    for (const bad of ['../etc', '/etc/passwd', 'music/../../x']) {
      const refused = await cli(['restore', 'S', '--path', bad, '--from', join(root, dest), '--to', tempDir()]);
      expect(refused.exitCode, bad).toBe(2);
      expect(refused.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    const typo = await cli(['restore', 'S', '--path', 'MUSIC/artist', '--from', join(root, dest), '--to', tempDir()]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('Did you mean "music/Artist"?');
    // Without the source folder's name in front, as a user would write the album's path.
    const bare = await cli(['restore', 'S', '--path', 'artist/Album', '--from', join(root, dest), '--to', tempDir()]);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toContain('Did you mean "music/Artist/Album"?');
  });

  it('keep-both restores only the files that differ, next to them under a new name', async () => {
    const to = tempDir();
    mkdirSync(join(to, 'Album'));
    writeFileSync(join(to, 'Album', '01.flac'), 'track one');
    writeFileSync(join(to, 'Album', '02.flac'), 'my own edit');
    const r = await cli(['restore', 'S', '--path', 'music/Artist/Album', '--from', join(root, dest), '--to', to, '--conflict', 'keep-both']);
    expect(r.exitCode, r.stdout).toBe(0);
    const names = readdirSync(join(to, 'Album')).sort();
    expect(names).toHaveLength(3);
    expect(readFileSync(join(to, 'Album', '02.flac'), 'utf8')).toBe('my own edit');
    const restored = names.find((n) => n.startsWith('02 (restored'))!;
    expect(restored).toMatch(/^02 \(restored \d{4}-\d\d-\d\d \d{4}\)\.flac$/);
    expect(readFileSync(join(to, 'Album', restored), 'utf8')).toBe('track two');
  });
});

// A snapshot copies each source with a plain recursive rsync (as fast as rsync copies anything) and
// still holds exactly what its record lists: what the walk left out — the job's excludes, names full
// of rsync's wildcard characters, names that are not UTF-8, a live database and its -wal/-shm files —
// is named to rsync as literal rules, and a file that appears between the walk and the copy is
// taken out of the tree again. Judged by restoring the point and comparing with the source as it was.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

afterAll(cleanupTempDirs);

function logOf(stdout: string): string {
  const path = /Log: (\S+)/.exec(stdout)?.[1];
  return path ? readFileSync(path, 'utf8') : '';
}

/** An rsync that notes its arguments (one run a line) and, when `before` is given, runs it first. */
function wrappedRsync(dir: string, before = ''): { bin: string; calls: string } {
  const bin = join(dir, 'rsync');
  const calls = join(dir, 'calls');
  writeFileSync(bin, `#!/bin/sh\ncase "$*" in *reprise-staging*) echo "$*" >> '${calls}'; ${before} ;; esac\nexec rsync "$@"\n`);
  chmodSync(bin, 0o755);
  return { bin, calls };
}

const bytes = (s: string) => Buffer.from(s, 'latin1');
const pathOf = (...parts: Array<string | Buffer>) => Buffer.concat(parts.flatMap((p, i) => [...(i > 0 ? [Buffer.from('/')] : []), typeof p === 'string' ? Buffer.from(p) : p]));

describe('a snapshot copied recursively holds exactly its record', () => {
  it('leaves out excludes with wildcard characters, non-UTF-8 names, excluded folders and a live database', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    const album = join(src, 'Album');
    mkdirSync(album, { recursive: true });
    // Kept names that an unescaped rule made from an excluded neighbour would match.
    for (const n of ['a', 'xy', 'q', 'backslash*', 'track 1.flac']) writeFileSync(join(album, n), `kept ${n}`);
    // Excluded names full of rsync's wildcard characters (and rclone's, escaped in the job).
    for (const n of ['[a]', 'x*', '?', 'back\\slash*']) writeFileSync(join(album, n), `left out ${n}`);
    writeFileSync(pathOf(album, bytes('caf\xe9.flac')), 'kept, not UTF-8');
    writeFileSync(pathOf(album, bytes('caf\xe9.tmp')), 'left out, not UTF-8');
    mkdirSync(pathOf(src, bytes('D\xfcsseldorf')));
    writeFileSync(pathOf(src, bytes('D\xfcsseldorf'), 'kept.flac'), 'kept in a folder not named in UTF-8');
    writeFileSync(pathOf(src, bytes('D\xfcsseldorf'), 'note.tmp'), 'left out');
    mkdirSync(join(src, 'Cache', 'deep'), { recursive: true });
    writeFileSync(join(src, 'Cache', 'deep', 'x.flac'), 'in an excluded folder');
    writeFileSync(join(src, 'top.tmp'), 'left out at the top');
    // A database being written: its -wal holds rows the main file does not have yet.
    mkdirSync(join(src, '.library'));
    const db = new Database(join(src, '.library', 'library.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE tracks (id INTEGER PRIMARY KEY, title TEXT)');
    for (let i = 0; i < 100; i++) db.prepare('INSERT INTO tracks (title) VALUES (?)').run(`t${i}`);
    try {
      expect(existsSync(join(src, '.library', 'library.db-wal'))).toBe(true);
      const excludes = ['*.tmp', '/Cache/**', '\\[a\\]', 'x\\*', '\\?', 'back\\\\slash\\*'];
      const leftOut = (rel: string) => rel.endsWith('.tmp') || rel === 'Cache' || rel.startsWith('Cache/') || rel.startsWith('.library/') || ['Album/[a]', 'Album/x*', 'Album/?', 'Album/back\\slash*'].includes(rel);
      const truth = describeTree(src, { skip: leftOut });
      const dest = tempDir();
      const add = await reprise(data, ['job', 'add', 'L', '--source', src, '--snapshot', dest, ...excludes.flatMap((e) => ['--exclude', e])]);
      expect(add.exitCode, add.stderr).toBe(0);
      const { bin, calls } = wrappedRsync(tempDir());
      const run = await reprise(data, ['run', 'L'], { REPRISE_RSYNC: bin });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      // The fast way was taken, and it needed no tidying: rsync itself left out all it should.
      expect(readFileSync(calls, 'utf8')).not.toContain('--files-from');
      expect(logOf(run.stdout)).not.toMatch(/left out of the snapshot/);

      const to = tempDir();
      const r = await reprise(data, ['restore', 'L', '--path', 'music', '--to', to]);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/✓ verified/);
      expect(treeDiff(truth, describeTree(join(to, 'music'), { skip: (rel) => rel.startsWith('.library/') }))).toEqual([]);
      expect(readdirSync(join(to, 'music', '.library'))).toEqual(['library.db']);
      const copy = new Database(join(to, 'music', '.library', 'library.db'), { readonly: true });
      expect((copy.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n).toBe(100);
      copy.close();
      const v = await reprise(data, ['verify', 'L', '--deep']);
      expect(v.exitCode, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).not.toMatch(/^\s*[-+*] /m);
    } finally {
      db.close();
    }
  }, 120_000);

  it('with more left-out paths than rules are worth, copies by the list of files and still holds its record', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    mkdirSync(join(src, 'Album'), { recursive: true });
    mkdirSync(join(src, 'Scratch'));
    for (let t = 0; t < 5; t++) writeFileSync(join(src, 'Album', `${t} [live].flac`), `track ${t}`);
    for (let t = 0; t < 1100; t++) writeFileSync(join(src, 'Scratch', `${t}.tmp`), '');
    writeFileSync(join(src, 'top.tmp'), 'left out at the top');
    const truth = describeTree(src, { skip: (rel) => rel.endsWith('.tmp') });
    const dest = tempDir();
    expect((await reprise(data, ['job', 'add', 'F', '--source', src, '--snapshot', dest, '--exclude', '*.tmp'])).exitCode).toBe(0);
    const { bin, calls } = wrappedRsync(tempDir(), `echo late > '${join(src, 'late.flac')}'`);
    const run = await reprise(data, ['run', 'F'], { REPRISE_RSYNC: bin });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(calls, 'utf8')).toContain('--files-from');
    expect(logOf(run.stdout)).toMatch(/1101 paths left out, too many to name to rsync/);
    const to = tempDir();
    const r = await reprise(data, ['restore', 'F', '--path', 'music', '--to', to]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
    const v = await reprise(data, ['verify', 'F']);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }, 120_000);

  it('leaves out a file that appeared after the walk, and calls one that went lacking', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    mkdirSync(join(src, 'Album'), { recursive: true });
    for (let t = 0; t < 5; t++) writeFileSync(join(src, 'Album', `${t}.flac`), `track ${t}`);
    const dest = tempDir();
    // An exclude keeps the first snapshot on the path that walks before rsync copies (without one, a
    // first snapshot copies while it walks: snapshot-first-run.test.ts).
    expect((await reprise(data, ['job', 'add', 'R', '--source', src, '--snapshot', dest, '--exclude', '*.part'])).exitCode).toBe(0);
    const addLate = `echo late > '${join(src, 'Album', 'late.flac')}'; mkdir -p '${join(src, 'Late')}'; echo late > '${join(src, 'Late', 'x.flac')}'`;
    // The folders' times as the walk saw them: what appears meanwhile changes them at the source.
    const timeOf = (dir: string): bigint => statSync(dir, { bigint: true }).mtimeNs;
    const walked = [timeOf(src), timeOf(join(src, 'Album'))];
    // A first snapshot copies recursively: what appears meanwhile is taken out of the tree again,
    // whatever its name's bytes (one here is not UTF-8).
    const notUtf8 = `printf late > "$(printf '${join(src, 'Album')}/\\377late.flac')"`;
    const first = await reprise(data, ['run', 'R'], { REPRISE_RSYNC: wrappedRsync(tempDir(), `${addLate}; ${notUtf8}`).bin });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(readdirSync(Buffer.from(join(src, 'Album')), { encoding: 'buffer' }).some((n) => n[0] === 0xff)).toBe(true);
    expect(logOf(first.stdout)).toMatch(/# 3 entries of music appeared after it was read and were left out of the snapshot/);
    expect(readdirSync(join(dest, 'latest', 'music'))).toEqual(['Album']);
    expect(readdirSync(join(dest, 'latest', 'music', 'Album')).sort()).toEqual(['0.flac', '1.flac', '2.flac', '3.flac', '4.flac']);
    // rsync copied the folders' later times; the snapshot holds the recorded ones.
    expect([timeOf(src), timeOf(join(src, 'Album'))]).not.toEqual(walked);
    expect([timeOf(join(dest, 'latest', 'music')), timeOf(join(dest, 'latest', 'music', 'Album'))]).toEqual(walked);
    rmSync(join(src, 'Late'), { recursive: true });
    rmSync(join(src, 'Album', 'late.flac'));
    rmSync(Buffer.concat([Buffer.from(`${join(src, 'Album')}/`), Buffer.from([0xff]), Buffer.from('late.flac')]));
    writeFileSync(join(src, 'Album', '0.flac'), 'a new take');
    // Between the walk and the copy (the moment rsync starts): a file and a folder appear, and the
    // changed file goes (a changed one: a point's entries file holds only what changed since its
    // base, and only its own entries can be marked lacking).
    // After a small change rsync copies only what the record lists as changed: the late ones never enter.
    const { bin } = wrappedRsync(tempDir(), `${addLate}; rm '${join(src, 'Album', '0.flac')}'`);
    const run = await reprise(data, ['run', 'R'], { REPRISE_RSYNC: bin });
    expect(existsSync(join(src, 'Album', 'late.flac'))).toBe(true);
    expect(logOf(run.stdout)).toMatch(/unchanged files linked to snapshot/);
    const latest = join(dest, 'latest', 'music');
    expect(readdirSync(latest).sort()).toEqual(['Album']);
    expect(readdirSync(join(latest, 'Album')).sort()).toEqual(['1.flac', '2.flac', '3.flac', '4.flac']);
    const points = JSON.parse((await reprise(data, ['snapshots', 'R', '--json'])).stdout) as Array<{ points: Array<{ outcome: string; lacking: number }> }>;
    expect(points[0]!.points[0]).toMatchObject({ outcome: 'warning', lacking: 1 });
    const v = await reprise(data, ['verify', 'R']);
    expect(v.stdout, v.stdout + v.stderr).not.toMatch(/^\s*[-+*] /m);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
    rmSync(join(src, 'Late'), { recursive: true });
  }, 120_000);
});

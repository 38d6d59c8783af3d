// A first snapshot into a destination that holds nothing of Reprise's copies while the sources are
// walked (snapshot-backup.ts, startEarlyCopy): rsync starts before the record exists, so it leaves
// out every name a database may have until the walk has told live databases (copied through
// SQLite, their side files never) from plain files named like them (copied by name after). Its sums
// wait in its output file and become the record's hashes. A run killed before its intent is stored
// leaves a staging folder the next run links from; every point restores exactly, judged against the
// source as it was, read straight from the file system.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_LIKE_RSYNC_RULES } from '../../../electron/core/destinations/sqlite-copy.js';
import { reprise, repriseBin } from '../../support/cli.js';
import { holdsAFile, slowRsync, toolPids } from '../../support/faults.js';
import { waitFor } from '../../support/procs.js';
import { LEFT_OUT_COUNT, keptTrickyNames, writeTrickyNames } from '../../support/sqlite-names.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

afterAll(() => cleanupTempDirs());

const EARLY_LINE = '# first snapshot into an empty destination: rsync copies while the sources are walked';
const runLog = (data: string, n: number): string => readFileSync(join(data, 'logs', `run-${n}.log`), 'utf8');

function album(src: string, name: string, tracks: number, size = 2_000): void {
  mkdirSync(join(src, name), { recursive: true });
  for (let t = 1; t <= tracks; t++) writeFileSync(join(src, name, `${String(t).padStart(2, '0')} Track.flac`), randomBytes(size));
}

/** Restores the newest point's `name` and compares it with `truth`, bytes and metadata. */
async function restoresExactly(data: string, job: string, name: string, truth: string[], skip?: (rel: string) => boolean): Promise<string> {
  const to = tempDir();
  const r = await reprise(data, ['restore', job, '--path', name, '--to', to]);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('✓ verified');
  expect(treeDiff(truth, describeTree(join(to, name), skip ? { skip } : {}))).toEqual([]);
  return join(to, name);
}

describe('the names the early rsync leaves out', () => {
  it("are exactly the ones the walk takes for a database or a database's side file (rsync's own filter, asked)", () => {
    const dir = tempDir();
    const src = join(dir, 'src');
    mkdirSync(src);
    writeTrickyNames(src);
    const rules = join(dir, 'rules');
    writeFileSync(rules, `${SQLITE_LIKE_RSYNC_RULES.join('\0')}\0`);
    execFileSync('rsync', ['-a', '--from0', `--exclude-from=${rules}`, `${src}/`, `${join(dir, 'dst')}/`], { env: { ...process.env, LC_ALL: 'C' } });
    const kept = execFileSync('find', ['.', '-type', 'f'], { cwd: join(dir, 'dst'), encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((p) => p.slice(2))
      .sort();
    expect(kept).toEqual(keptTrickyNames());
    // Not a check that cannot fail: both kinds are there.
    expect(LEFT_OUT_COUNT).toBeGreaterThan(8);
    expect(kept.length).toBeGreaterThan(5);
  });
});

describe('a first snapshot into an empty destination', () => {
  it('copies while walking: hashes from rsync, a live database through SQLite and never its side files, plain files named like databases by name, two sources; each restores exactly', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    for (let a = 0; a < 6; a++) album(src, `Artist ${a}/Album`, 12);
    // Plain files with a database's names: rsync leaves them out, the walk finds they are not.
    writeFileSync(join(src, 'Artist 0', 'notes.DB'), 'not a database\n');
    writeFileSync(join(src, 'Artist 0', 'Album', 'orphan.db-wal'), randomBytes(300));
    writeFileSync(join(src, 'Artist 1', 'Album', 'Tags.Sqlite3'), randomBytes(500));
    // Hard-link pairs: one whose second name is named like a database, one whose first name is.
    linkSync(join(src, 'Artist 2', 'Album', '01 Track.flac'), join(src, 'Artist 2', 'Album', 'same.db'));
    writeFileSync(join(src, 'Artist 3', 'Album', 'a.db'), randomBytes(700));
    linkSync(join(src, 'Artist 3', 'Album', 'a.db'), join(src, 'Artist 3', 'Album', 'b.flac'));
    mkdirSync(join(src, 'folder.db'));
    writeFileSync(join(src, 'folder.db', 'inside.flac'), randomBytes(400));
    const second = join(root, 'playlists');
    album(second, 'Mixes', 5, 300);
    // A live database in WAL mode, held open: its -wal and -shm files are there during the run.
    mkdirSync(join(src, '.library'));
    const db = new Database(join(src, '.library', 'library.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE tracks (id INTEGER PRIMARY KEY, title TEXT)');
      const ins = db.prepare('INSERT INTO tracks (title) VALUES (?)');
      for (let i = 0; i < 200; i++) ins.run(`track ${i}`);
      expect(existsSync(join(src, '.library', 'library.db-wal'))).toBe(true);
      const truth = describeTree(src, { skip: (rel) => rel.startsWith('.library') });
      const truth2 = describeTree(second);

      const data = join(root, 'data');
      const snaps = join(root, 'snaps');
      expect((await reprise(data, ['job', 'add', 'S', '--source', src, '--source', second, '--snapshot', snaps])).exitCode).toBe(0);
      const run = await reprise(data, ['run', 'S']);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      const log = runLog(data, 1);
      expect(log).toContain(EARLY_LINE);
      // Every file rsync's pass sent gave its sum; the held-back ones are read from the source: the
      // 3 plain files named like databases, and both pairs' names that are or link to one.
      const hashes = /# content hashes: (\d+) taken from rsync's copy, (\d+) read from the source/.exec(log);
      expect(hashes, log).not.toBeNull();
      expect(Number(hashes![1])).toBe(6 * 12 + 1 + 5);
      expect(Number(hashes![2])).toBe(6);
      // The pairs are pairs in the snapshot too.
      const inode = (f: string): number => statSync(join(snaps, 'latest', 'music', 'Artist ' + f)).ino;
      expect(inode('2/Album/same.db')).toBe(inode('2/Album/01 Track.flac'));
      expect(inode('3/Album/b.flac')).toBe(inode('3/Album/a.db'));

      const latest = join(snaps, 'latest', 'music');
      for (const f of ['Artist 0/notes.DB', 'Artist 0/Album/orphan.db-wal', 'Artist 1/Album/Tags.Sqlite3', 'Artist 2/Album/same.db', 'Artist 3/Album/a.db', 'folder.db/inside.flac']) {
        expect(readFileSync(join(latest, f)), f).toEqual(readFileSync(join(src, f)));
      }
      expect(readdirSync(join(latest, '.library'))).toEqual(['library.db']);

      const restored = await restoresExactly(data, 'S', 'music', truth, (rel) => rel.startsWith('.library'));
      await restoresExactly(data, 'S', 'playlists', truth2);
      const copy = new Database(join(restored, '.library', 'library.db'), { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n).toBe(200);
      copy.close();
      const v = await reprise(data, ['verify', 'S', '--deep']);
      expect(v.exitCode, v.stdout + v.stderr).toBe(0);

      // The next run has a record to go by: no early copy.
      writeFileSync(join(src, 'Artist 3', 'new.flac'), randomBytes(100));
      const again = await reprise(data, ['run', 'S']);
      expect(again.exitCode, again.stdout).toBe(0);
      expect(runLog(data, 2)).not.toContain(EARLY_LINE);
    } finally {
      db.close();
    }
  }, 120_000);

  it('killed (-9) while rsync copies and before its intent is stored: the next run makes a point that restores exactly', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    // Enough entries that the walk is still going when rsync, throttled, has landed its first files.
    for (let a = 0; a < 40; a++) album(src, `Artist ${a}/Album`, 300, 200);
    const truth = describeTree(src);
    const data = join(root, 'data');
    const snaps = join(root, 'snaps');
    expect((await reprise(data, ['job', 'add', 'S', '--source', src, '--snapshot', snaps])).exitCode).toBe(0);
    const records = join(snaps, 'records');
    const intents = (): string[] => (existsSync(records) ? readdirSync(records).filter((n) => n.endsWith('.intent.json')) : []);
    const child: ChildProcess = spawn(process.execPath, [repriseBin, '--data-dir', data, 'run', 'S'], { env: { ...process.env, REPRISE_RSYNC: slowRsync(root, 100) }, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await waitFor('files in the staging folder before any intent', () => holdsAFile(join(snaps, '.reprise-staging')) || intents().length > 0, 60_000, 5);
    child.kill('SIGKILL');
    await exited;
    expect(intents(), 'the kill came before the intent was stored').toEqual([]);
    await waitFor('rsync to end with Reprise', () => toolPids('rsync', src).length === 0, 10_000);

    const run = await reprise(data, ['run', 'S']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(runLog(data, 2)).not.toContain(EARLY_LINE);
    await restoresExactly(data, 'S', 'music', truth);
    const points = JSON.parse((await reprise(data, ['snapshots', 'S', '--json'])).stdout) as Array<{ points: unknown[] }>;
    expect(points[0]!.points).toHaveLength(1);
  }, 180_000);
});

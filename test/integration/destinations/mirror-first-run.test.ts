// A mirror's first run into a destination that holds no record copies while the sources are walked
// (mirror-backup.ts, EarlySync): rclone starts before the record exists, so it must leave out every
// name a database may have until the walk has told databases (copied through SQLite, their side files
// never) from plain files named like them (copied by name after the sync). Whatever such a run leaves
// when it is killed before its intent is stored is set aside by the next run, whose point restores
// exactly. Judged against the source as it was, read straight from the file system.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_LIKE_GLOB } from '../../../electron/core/destinations/sqlite-copy.js';
import { reprise, repriseBin } from '../../support/cli.js';
import { holdsAFile, toolPids } from '../../support/faults.js';
import { processesMentioning, waitFor } from '../../support/procs.js';
import { LEFT_OUT_COUNT, keptTrickyNames, writeTrickyNames } from '../../support/sqlite-names.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

afterAll(() => cleanupTempDirs());

const FIRST_RUN_LINE = '# first run into an empty destination: rclone copies while the sources are walked';
const runLog = (data: string, n: number): string => readFileSync(join(data, 'logs', `run-${n}.log`), 'utf8');

function album(src: string, name: string, tracks: number, size = 2_000): void {
  mkdirSync(join(src, name), { recursive: true });
  for (let t = 1; t <= tracks; t++) writeFileSync(join(src, name, `${String(t).padStart(2, '0')} Track.flac`), randomBytes(size));
}

/** Restores the newest point's `music` and compares it with `truth`, bytes and metadata. */
async function restoresExactly(data: string, job: string, truth: string[], skip?: (rel: string) => boolean): Promise<string> {
  const to = tempDir();
  const r = await reprise(data, ['restore', job, '--path', 'music', '--to', to]);
  expect(r.exitCode, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toContain('✓ verified');
  expect(treeDiff(truth, describeTree(join(to, 'music'), skip ? { skip } : {}))).toEqual([]);
  return join(to, 'music');
}

describe("the names the early sync leaves out", () => {
  it("are exactly the ones the walk takes for a database or a database's side file (rclone's own filter, asked)", () => {
    const dir = tempDir();
    writeTrickyNames(dir);
    const kept = execFileSync('rclone', ['lsf', '-R', '--files-only', '--exclude', SQLITE_LIKE_GLOB, dir], { encoding: 'utf8', env: { ...process.env, RCLONE_CONFIG: '/dev/null' } })
      .split('\n')
      .filter(Boolean)
      .sort();
    expect(kept).toEqual(keptTrickyNames());
    // Not a check that cannot fail: both kinds are there.
    expect(LEFT_OUT_COUNT).toBeGreaterThan(8);
    expect(kept.length).toBeGreaterThan(5);
  });
});

describe('a first run into an empty mirror', () => {
  it("copies while walking: a live database through SQLite and never its side files, plain files named like databases by name; the point restores exactly", async () => {
    const root = tempDir();
    const src = join(root, 'music');
    album(src, 'Artist/Album', 4);
    // Plain files with a database's names: the sync leaves them out, the walk finds they are not.
    writeFileSync(join(src, 'Artist', 'notes.DB'), 'not a database\n');
    writeFileSync(join(src, 'Artist', 'Album', 'orphan.db-wal'), randomBytes(300));
    writeFileSync(join(src, 'Artist', 'Album', 'Tags.Sqlite3'), randomBytes(500));
    writeFileSync(join(src, 'Artist', 'Album', 'old.db-journal'), randomBytes(200));
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

      const data = join(root, 'data');
      const mirror = join(root, 'mirror');
      expect((await reprise(data, ['job', 'add', 'M', '--source', src, '--mirror', mirror])).exitCode).toBe(0);
      const run = await reprise(data, ['run', 'M']);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      expect(runLog(data, 1)).toContain(FIRST_RUN_LINE);

      const current = join(mirror, 'current', 'music');
      for (const f of ['Artist/notes.DB', 'Artist/Album/orphan.db-wal', 'Artist/Album/Tags.Sqlite3', 'Artist/Album/old.db-journal']) {
        expect(readFileSync(join(current, f)), f).toEqual(readFileSync(join(src, f)));
      }
      expect(readdirSync(join(current, '.library'))).toEqual(['library.db']);

      const restored = await restoresExactly(data, 'M', truth, (rel) => rel.startsWith('.library'));
      expect(readdirSync(join(restored, '.library'))).toEqual(['library.db']);
      const copy = new Database(join(restored, '.library', 'library.db'), { readonly: true });
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((copy.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n).toBe(200);
      copy.close();

      // The next run has a record to go by: no early copy, nothing changed, no new point.
      const again = await reprise(data, ['run', 'M']);
      expect(again.exitCode, again.stdout).toBe(0);
      expect(runLog(data, 2)).not.toContain(FIRST_RUN_LINE);
    } finally {
      db.close();
    }
  }, 120_000);

  it('sets aside what an earlier first run left without a record (wrong bytes, a file since deleted), and the point restores exactly', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    album(src, 'A/One', 3);
    album(src, 'B/Two', 2);
    const mirror = join(root, 'mirror');
    // What a first run killed before its intent leaves: part of current/, no records/.
    const left = join(mirror, 'current', 'music');
    mkdirSync(join(left, 'A', 'One'), { recursive: true });
    // Same size, other bytes, and a time of its own: rclone sets a file's time once it has written all
    // of it, so a file it was writing when killed keeps the time of the write.
    writeFileSync(join(left, 'A', 'One', '01 Track.flac'), randomBytes(2_000));
    const then = new Date(Date.now() - 60_000);
    utimesSync(join(left, 'A', 'One', '01 Track.flac'), then, then);
    writeFileSync(join(left, 'A', 'One', '02 Track.flac'), randomBytes(700)); // cut short
    writeFileSync(join(left, 'A', 'gone.flac'), randomBytes(100)); // deleted from the source since
    const truth = describeTree(src);

    const data = join(root, 'data');
    expect((await reprise(data, ['job', 'add', 'M', '--source', src, '--mirror', mirror])).exitCode).toBe(0);
    const run = await reprise(data, ['run', 'M']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(runLog(data, 1)).toContain(FIRST_RUN_LINE);
    await restoresExactly(data, 'M', truth);
    expect(existsSync(join(left, 'A', 'gone.flac'))).toBe(false);
    expect(readFileSync(join(left, 'A', 'One', '01 Track.flac'))).toEqual(readFileSync(join(src, 'A', 'One', '01 Track.flac')));
    const v = await reprise(data, ['verify', 'M', '--deep']);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }, 120_000);

  it('killed (-9) while rclone copies and before its intent is stored: the next run makes a point that restores exactly', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    // Enough entries that the walk is still going when rclone, throttled, has landed its first files.
    for (let a = 0; a < 50; a++) album(src, `Artist ${a}/Album`, 400, 200);
    const truth = describeTree(src);
    const data = join(root, 'data');
    const mirror = join(root, 'mirror');
    expect((await reprise(data, ['job', 'add', 'M', '--source', src, '--mirror', mirror, '--bwlimit', '100k'])).exitCode).toBe(0);
    const records = join(mirror, 'records');
    const intents = (): string[] => (existsSync(records) ? readdirSync(records).filter((n) => n.endsWith('.intent.json')) : []);
    const child: ChildProcess = spawn(process.execPath, [repriseBin, '--data-dir', data, 'run', 'M'], { stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await waitFor('files in current/ before any intent', () => holdsAFile(join(mirror, 'current')) || intents().length > 0, 60_000, 5);
    // Into a local folder, rclone does not hash its copies again: the record's hashes are Reprise's.
    const syncArgs = processesMentioning(src).filter((p) => p.comm === 'rclone').flatMap((p) => p.argv);
    child.kill('SIGKILL');
    expect(syncArgs).toContain('sync');
    expect(syncArgs).toContain('--ignore-checksum');
    await exited;
    expect(intents(), 'the kill came before the intent was stored').toEqual([]);
    expect(holdsAFile(join(mirror, 'current'))).toBe(true);
    await waitFor('rclone to end with Reprise', () => toolPids('rclone', src).length === 0, 10_000);

    expect((await reprise(data, ['job', 'edit', 'M', '--bwlimit', 'off'])).exitCode).toBe(0);
    const run = await reprise(data, ['run', 'M']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    await restoresExactly(data, 'M', truth);
    const points = JSON.parse((await reprise(data, ['snapshots', 'M', '--json'])).stdout) as Array<{ points: unknown[] }>;
    expect(points[0]!.points).toHaveLength(1);
  }, 180_000);
});

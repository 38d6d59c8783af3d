import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killAllChildren, liveChildCount } from '../../../electron/core/process/child.js';
import { readManifest } from '../../../electron/core/snapshots/manifest.js';
import { createRsyncRunner, type RsyncRunner } from '../../../electron/core/snapshots/rsync-child.js';
import { outcomeFor, runSnapshot } from '../../../electron/core/snapshots/snapshot-engine.js';
import { SnapshotError } from '../../../electron/core/snapshots/snapshot-errors.js';
import { listSnapshots } from '../../../electron/core/snapshots/snapshot-list.js';
import { STAGING_NAME } from '../../../electron/core/snapshots/snapshot-names.js';
import { generateLibrary } from '../../support/music-library.js';

let work: string;
let music: string;
let dest: string;
// A clock that moves one hour per call, so every run gets its own snapshot name.
let now: number;
const clock = (): Date => new Date((now += 3600_000));
const job = { id: 'job-1', name: 'Music' };

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'reprise-snap-'));
  music = join(work, 'src', 'music');
  dest = join(work, 'dest');
  mkdirSync(dest);
  generateLibrary(music);
  now = Date.UTC(2026, 10, 1, 3, 0, 0);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const run = (extra: Partial<Parameters<typeof runSnapshot>[0]> = {}) =>
  runSnapshot({ destination: dest, sources: [music], job, repriseVersion: '0.1.0-test', clock, ...extra });

const track = (root: string, rel: string) => join(root, 'music', ...rel.split('/'));

async function expectError(promise: Promise<unknown>, kind: string): Promise<SnapshotError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotError);
  expect((error as SnapshotError).kind).toBe(kind);
  return error as SnapshotError;
}

describe('snapshot engine (real rsync)', () => {
  it('two snapshots share inodes for unchanged files, not for changed ones; latest and manifests follow', async () => {
    const first = await run();
    expect(first.kind).toBe('created');
    if (first.kind !== 'created') return;
    expect(readdirSync(join(first.path, 'music')).sort()).toEqual(['-Dash Band', 'Björk', 'Motörhead', 'Pink Floyd', 'Sigur Rós']);
    expect(first.manifest.files).toBe(20);
    expect(first.manifest.linkedTo).toBeNull();

    writeFileSync(join(music, 'Pink Floyd', 'The Wall (1979)', '01 Track 1.flac'), 'remastered');
    rmSync(join(music, 'Motörhead'), { recursive: true });
    const second = await run();
    if (second.kind !== 'created') throw new Error('expected a new snapshot');
    expect(second.manifest.linkedTo).toBe(first.manifest.id);
    expect(second.manifest.transferredFiles).toBe(1);

    const same = 'Björk/Homogenic (1997)/01 Track 1.flac';
    expect(statSync(track(second.path, same)).ino).toBe(statSync(track(first.path, same)).ino);
    const changed = 'Pink Floyd/The Wall (1979)/01 Track 1.flac';
    expect(statSync(track(second.path, changed)).ino).not.toBe(statSync(track(first.path, changed)).ino);
    expect(readFileSync(track(second.path, changed), 'utf8')).toBe('remastered');
    expect(readFileSync(track(first.path, changed), 'utf8')).not.toBe('remastered');
    expect(existsSync(join(second.path, 'music', 'Motörhead'))).toBe(false);
    expect(existsSync(join(first.path, 'music', 'Motörhead'))).toBe(true);

    expect(readlinkSync(join(dest, 'latest'))).toBe(second.manifest.id);
    const manifest = await readManifest(second.path);
    expect(manifest).toMatchObject({
      id: second.manifest.id,
      job,
      sources: [{ path: music, base: 'music' }],
      outcome: 'ok',
      files: 18,
      repriseVersion: '0.1.0-test',
    });
    expect(Date.parse(manifest!.finishedAt)).toBeGreaterThan(Date.parse(manifest!.startedAt));
    expect((await listSnapshots(dest)).map((s) => s.id)).toEqual([first.manifest.id, second.manifest.id]);
    expect(existsSync(join(dest, STAGING_NAME))).toBe(false);
  });

  it('a run with nothing changed confirms the newest snapshot instead of building a new tree', async () => {
    const first = await run({ sources: [`${music}/`] }); // a trailing slash still means "the folder music"
    if (first.kind !== 'created') throw new Error('expected a new snapshot');
    expect(existsSync(join(first.path, 'music', 'Pink Floyd'))).toBe(true);
    const again = await run();
    expect(again.kind).toBe('unchanged');
    if (again.kind !== 'unchanged') return;
    expect(again.snapshotId).toBe(first.manifest.id);
    expect((await listSnapshots(dest)).length).toBe(1);
    expect((await readManifest(first.path))!.confirmations).toEqual([again.confirmedAt]);

    // A touched mtime alone is a change too (rsync's quick check would copy it).
    const f = join(music, 'Björk', 'Homogenic (1997)', '02 Track 2.flac');
    const t = new Date(Date.now() - 86_400_000);
    (await import('node:fs')).utimesSync(f, t, t);
    expect((await run()).kind).toBe('created');
  });

  it('copies a live SQLite database through the backup API and keeps it unchanged-detectable', async () => {
    const dbPath = join(music, '.app', 'library.db');
    mkdirSync(join(music, '.app'));
    const live = new Database(dbPath);
    try {
      live.pragma('journal_mode = WAL');
      live.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
      const insert = live.prepare('INSERT INTO t (name) VALUES (?)');
      for (let i = 0; i < 500; i++) insert.run(`row ${i}`);
      // The writer keeps the database open; the rows live in the -wal file, not yet in library.db.
      expect(existsSync(`${dbPath}-wal`)).toBe(true);
      const first = await run();
      if (first.kind !== 'created') throw new Error('expected a new snapshot');
      const copy = join(first.path, 'music', '.app', 'library.db');
      expect(existsSync(`${copy}-wal`)).toBe(false);
      expect(existsSync(`${copy}-shm`)).toBe(false);
      const check = new Database(copy, { readonly: true });
      expect(check.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 500 });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      check.close();
      expect(first.manifest.sqlite).toEqual([{ path: 'music/.app/library.db', signature: expect.any(String) }]);

      expect((await run()).kind).toBe('unchanged');
      insert.run('one more');
      const second = await run();
      if (second.kind !== 'created') throw new Error('a database write is a change');
      const check2 = new Database(join(second.path, 'music', '.app', 'library.db'), { readonly: true });
      expect(check2.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 501 });
      check2.close();
    } finally {
      live.close();
    }
  });

  it('rsync exit 23 gives a partial snapshot that is kept but never becomes latest', async () => {
    const first = await run();
    if (first.kind !== 'created') throw new Error('expected a new snapshot');
    writeFileSync(join(music, 'new.txt'), 'x');
    const real = createRsyncRunner();
    // Real rsync, asked for one extra source that does not exist: it copies the rest and exits 23.
    const withMissing: RsyncRunner = (args, o) => {
      const i = args.indexOf('--');
      return real([...args.slice(0, i + 1), join(work, 'not-there'), ...args.slice(i + 1)], o);
    };
    const partial = await run({ runRsync: withMissing });
    if (partial.kind !== 'created') throw new Error('expected a snapshot');
    expect(partial.manifest.outcome).toBe('partial');
    expect(partial.manifest.warnings.join('\n')).toMatch(/not-there/);
    expect(partial.latestUpdated).toBe(false);
    expect(readlinkSync(join(dest, 'latest'))).toBe(first.manifest.id);
    expect(outcomeFor(24)).toBe('warning');
    expect(outcomeFor(0)).toBe('ok');
    expect(outcomeFor(12)).toBeUndefined();
  });

  it('killing rsync mid-run leaves the previous snapshot and latest intact; the next run resumes', async () => {
    const first = await run();
    if (first.kind !== 'created') throw new Error('expected a new snapshot');
    const big = join(music, 'Big', 'Long (2024)');
    mkdirSync(big, { recursive: true });
    for (let i = 0; i < 4; i++) writeFileSync(join(big, `0${i} Long.flac`), Buffer.alloc(2_000_000, i + 1));
    const real = createRsyncRunner();
    const slow: RsyncRunner = (args, o) => real(['--bwlimit=1m', ...args], o);
    let pid = 0;
    const killed = run({
      runRsync: slow,
      onRsyncSpawn: (p) => (pid = p),
      // Kill the whole rsync process group with SIGKILL once bytes are really flowing.
      onProgress: (p) => {
        if (p.phase === 'copying' && p.rsync.bytes > 0 && pid) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      },
    });
    await expectError(killed, 'cancelled');
    expect(existsSync(join(dest, STAGING_NAME))).toBe(true);
    expect(readlinkSync(join(dest, 'latest'))).toBe(first.manifest.id);
    expect((await listSnapshots(dest)).map((s) => s.id)).toEqual([first.manifest.id]);
    expect(readdirSync(join(first.path, 'music')).includes('Big')).toBe(false);

    const next = await run();
    if (next.kind !== 'created') throw new Error('expected a new snapshot');
    expect(next.manifest.resumedStaging).toBe(true);
    expect(readFileSync(join(next.path, 'music', 'Big', 'Long (2024)', '03 Long.flac')).equals(Buffer.alloc(2_000_000, 4))).toBe(true);
    expect(readlinkSync(join(dest, 'latest'))).toBe(next.manifest.id);
    expect(existsSync(join(dest, STAGING_NAME))).toBe(false);
  });

  it('quitting Reprise mid-snapshot ends rsync with every other child; nothing is left running', async () => {
    const first = await run();
    if (first.kind !== 'created') throw new Error('expected a new snapshot');
    writeFileSync(join(music, 'big.bin'), Buffer.alloc(4_000_000, 7));
    const real = createRsyncRunner();
    const slow: RsyncRunner = (args, o) => real(['--bwlimit=1m', ...args], o);
    let running = 0;
    const quit = run({
      runRsync: slow,
      onProgress: (e) => {
        if (e.phase !== 'copying' || e.rsync.bytes === 0 || running) return;
        running = liveChildCount();
        killAllChildren(); // what the core does on quit
      },
    });
    await expectError(quit, 'cancelled');
    expect(running).toBe(1);
    expect(liveChildCount()).toBe(0);
    expect(readlinkSync(join(dest, 'latest'))).toBe(first.manifest.id);
    expect((await listSnapshots(dest)).map((s) => s.id)).toEqual([first.manifest.id]);
  });

  it('cancel through an AbortSignal stops rsync and takes no snapshot', async () => {
    writeFileSync(join(music, 'big.bin'), Buffer.alloc(4_000_000, 9));
    const real = createRsyncRunner();
    const controller = new AbortController();
    const slow: RsyncRunner = (args, o) => real(['--bwlimit=1m', ...args], o);
    const p = run({
      runRsync: slow,
      signal: controller.signal,
      onProgress: (e) => e.phase === 'copying' && e.rsync.bytes > 0 && controller.abort(),
    });
    await expectError(p, 'cancelled');
    expect(await listSnapshots(dest)).toEqual([]);
    expect(existsSync(join(dest, 'latest'))).toBe(false);
  });

  it('refuses a missing destination, a missing source and two sources with the same name', async () => {
    // Under /media a missing folder means an unplugged drive: refused, nothing created there.
    const unplugged = join('/media', `reprise-test-unplugged-${process.pid}`, 'snapshots');
    await expectError(run({ destination: unplugged }), 'destination-missing');
    expect(existsSync(dirname(unplugged))).toBe(false);
    await expectError(run({ sources: [join(work, 'nope')] }), 'source-missing');
    const other = join(work, 'other', 'music');
    mkdirSync(other, { recursive: true });
    await expectError(run({ sources: [music, other] }), 'source-name-clash');
    await expectError(run({ sources: ['relative/music'] }), 'invalid-source');
    expect(readdirSync(dest)).toEqual([]);
  });

  it('creates a brand-new destination folder on an attached disk for the first snapshot', async () => {
    const fresh = join(work, 'new disk folder', 'snapshots');
    const first = await run({ destination: fresh });
    expect(first.kind).toBe('created');
    expect(existsSync(join(fresh, 'latest'))).toBe(true);
  });

  it('a full destination (2 MB tmpfs) gives a clear error and no snapshot', async (ctx) => {
    const small = join(work, 'small');
    mkdirSync(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', small], { stdio: 'pipe' });
    } catch (e) {
      console.warn(`SKIPPED ENOSPC test: cannot mount a tmpfs here (${(e as Error).message.split('\n')[0]})`);
      ctx.skip();
      return;
    }
    try {
      writeFileSync(join(music, 'huge.bin'), Buffer.alloc(3_000_000, 1));
      const error = await expectError(run({ destination: small }), 'destination-full');
      expect(error.message).toMatch(/is full/);
      expect(readdirSync(small)).toEqual([]);
      chmodSync(small, 0o755);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});

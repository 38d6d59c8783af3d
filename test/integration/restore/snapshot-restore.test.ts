import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync, lstatSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotItemVersions } from '../../../electron/core/restore/item-versions.js';
import { buildMusicIndex, listLocalTree } from '../../../electron/core/restore/music-index.js';
import { RestoreError } from '../../../electron/core/restore/restore-errors.js';
import { listSnapshotRestorePoints } from '../../../electron/core/restore/restore-points.js';
import { restoreFromSnapshot, type RestoreProgress } from '../../../electron/core/restore/snapshot-restore.js';
import { runSnapshot } from '../../../electron/core/snapshots/snapshot-engine.js';
import { createRsyncRunner, type RsyncRunner } from '../../../electron/core/snapshots/rsync-child.js';
import { coverImage, generateLibrary } from '../../support/music-library.js';

const work = mkdtempSync(join(tmpdir(), 'reprise-restore-'));
const music = join(work, 'src', 'music');
const dest = join(work, 'dest');
let t = Date.UTC(2026, 10, 1, 3);
const clock = () => new Date((t += 86_400_000));
let firstId = '';
let secondId = '';
const WALL = 'music/Pink Floyd/The Wall (1979)';

beforeAll(async () => {
  mkdirSync(dest);
  generateLibrary(music, undefined, 100_000);
  // A link in the library that points outside it: a restore must not recreate it.
  symlinkSync('/etc/passwd', join(music, 'Pink Floyd', 'The Wall (1979)', 'evil-link'));
  const base = { destination: dest, sources: [music], job: { id: 'j', name: 'Music' }, repriseVersion: 't', clock };
  const a = await runSnapshot(base);
  writeFileSync(join(music, 'Pink Floyd', 'The Wall (1979)', '02 Track 2.flac'), 'changed later');
  writeFileSync(join(music, 'Pink Floyd', 'The Wall (1979)', '05 Bonus.flac'), 'bonus');
  const b = await runSnapshot(base);
  if (a.kind !== 'created' || b.kind !== 'created') throw new Error('setup');
  firstId = a.manifest.id;
  secondId = b.manifest.id;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function target(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const restore = (o: Partial<Parameters<typeof restoreFromSnapshot>[0]> & { to: string }) =>
  restoreFromSnapshot({ destination: dest, at: 'latest', path: WALL, policy: 'skip', ...o });

async function refused(p: Promise<unknown>, kind: string): Promise<void> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(RestoreError);
  expect((e as RestoreError).kind).toBe(kind);
}

describe('restore from snapshots (real rsync)', () => {
  it('lists restore points from the destination alone, newest first', async () => {
    const points = await listSnapshotRestorePoints(dest);
    expect(points.map((p) => p.id)).toEqual([secondId, firstId]);
    expect(points[0]).toMatchObject({ kind: 'snapshot', latest: true, outcome: 'ok', jobName: 'Music' });
  });

  it('restores an album from an older snapshot byte-identical, with progress and verification', async () => {
    const to = target('restore-old');
    const events: RestoreProgress[] = [];
    const result = await restore({ at: firstId, to, onProgress: (e) => events.push(e) });
    expect(result.restoredTo).toBe(join(to, 'The Wall (1979)'));
    expect(result.verification).toEqual({ ok: true, mismatches: [], keptExisting: [] });
    expect(events.map((e) => e.phase)).toEqual(expect.arrayContaining(['planning', 'copying', 'verifying']));
    const snapAlbum = join(dest, firstId, ...WALL.split('/'));
    const names = readdirSync(result.restoredTo).sort();
    expect(names).toEqual(['01 Track 1.flac', '02 Track 2.flac', '03 Track 3.flac', '04 Track 4.flac', 'cover.jpg']);
    for (const n of names) expect(readFileSync(join(result.restoredTo, n)).equals(readFileSync(join(snapAlbum, n)))).toBe(true);
    expect(existsSync(join(result.restoredTo, 'evil-link'))).toBe(false);
    expect(readdirSync(to)).toEqual(['The Wall (1979)']);
  });

  it('previews with a dry run and applies skip / overwrite / keep-both', async () => {
    const to = target('restore-conflict');
    await restore({ at: firstId, to });
    const mine = join(to, 'The Wall (1979)', '02 Track 2.flac');
    // The restored copy is from the first snapshot; latest has a different track 2 and a bonus.
    const dry = await restore({ to, dryRun: true, policy: 'skip' });
    expect(dry.dryRun).toBe(true);
    expect(dry.plan.items.filter((i) => i.kind === 'file').map((i) => [i.action, i.path]).sort()).toEqual([
      ['create', '05 Bonus.flac'],
      ['skip', '02 Track 2.flac'],
    ]);
    expect(existsSync(join(to, 'The Wall (1979)', '05 Bonus.flac'))).toBe(false);

    const skip = await restore({ to, policy: 'skip' });
    expect(skip.verification).toEqual({ ok: true, mismatches: [], keptExisting: ['02 Track 2.flac'] });
    expect(readFileSync(mine, 'utf8')).not.toBe('changed later');
    expect(readFileSync(join(to, 'The Wall (1979)', '05 Bonus.flac'), 'utf8')).toBe('bonus');

    const both = await restore({ to, policy: 'keep-both', clock: () => new Date(Date.UTC(2026, 10, 22, 11, 4)) });
    expect(both.restoredTo).toBe(join(to, 'The Wall (1979) (restored 2026-11-22 1104)'));
    expect(readFileSync(join(both.restoredTo, '02 Track 2.flac'), 'utf8')).toBe('changed later');
    expect(readFileSync(mine, 'utf8')).not.toBe('changed later');

    const over = await restore({ to, policy: 'overwrite' });
    expect(over.plan.overwriteFiles).toBe(1);
    expect(over.verification?.ok).toBe(true);
    expect(readFileSync(mine, 'utf8')).toBe('changed later');
  });

  it('verification catches a restored file whose bytes differ even with the same size and time', async () => {
    const to = target('restore-corrupt');
    const real = createRsyncRunner();
    let calls = 0;
    // After the real copy (second rsync call), flip bytes in one restored track, keeping size and mtime.
    const corrupting: RsyncRunner = async (args, o) => {
      const exit = await real(args, o);
      if (++calls === 2) {
        const f = join(to, 'The Wall (1979)', '01 Track 1.flac');
        const { mtime, atime } = statSync(f);
        const bytes = readFileSync(f);
        bytes[10] = bytes[10]! ^ 0xff;
        writeFileSync(f, bytes);
        utimesSync(f, atime, mtime);
      }
      return exit;
    };
    const r = await restore({ to, at: firstId, runRsync: corrupting });
    expect(r.verification).toEqual({ ok: false, mismatches: ['01 Track 1.flac'], keptExisting: [] });
  });

  it('restores a single file into the folder under its own name', async () => {
    const to = target('restore-file');
    const r = await restore({ to, path: 'music/Björk/Homogenic (1997)/front.jpg' });
    expect(readFileSync(join(to, 'front.jpg')).equals(coverImage('Björk Homogenic (1997)'))).toBe(true);
    expect(r.verification?.ok).toBe(true);
  });

  it('refuses paths that climb out, absolute paths, links out of the snapshot and links out of the target', async () => {
    const to = target('restore-escape');
    await refused(restore({ to, path: '../../etc' }), 'unsafe-path');
    await refused(restore({ to, path: 'music/../../secret' }), 'unsafe-path');
    await refused(restore({ to, path: '/etc/passwd' }), 'unsafe-path');
    await refused(restore({ to, path: 'music/Pink Floyd/The Wall (1979)/evil-link' }), 'unsafe-path');
    await refused(restore({ to, path: 'music/Nobody' }), 'not-found');
    await refused(restore({ to: join(work, 'no-such-dir') }), 'target-missing');
    await refused(restore({ to, at: '2001-01-01T000000Z' }), 'restore-point-missing');

    // The target already holds the album name as a link to somewhere else: writing through it is refused.
    const elsewhere = target('elsewhere');
    symlinkSync(elsewhere, join(to, 'The Wall (1979)'));
    await refused(restore({ to, policy: 'overwrite' }), 'unsafe-path');
    rmSync(join(to, 'The Wall (1979)'));
    mkdirSync(join(to, 'The Wall (1979)'));
    symlinkSync(elsewhere, join(to, 'The Wall (1979)', 'sub'));
    await refused(restore({ to, policy: 'overwrite' }), 'unsafe-path');
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(lstatSync(join(to, 'The Wall (1979)', 'sub')).isSymbolicLink()).toBe(true);
  });

  it('indexes a restore point by artist and album, with cover, track count and size', async () => {
    const snapMusic = join(dest, secondId, 'music');
    const index = buildMusicIndex('music', await listLocalTree(snapMusic));
    expect(index.layout).toBe('music');
    expect(index.artists.map((a) => a.name)).toEqual(['-Dash Band', 'Björk', 'Motörhead', 'Pink Floyd', 'Sigur Rós']);
    const floyd = index.artists.find((a) => a.name === 'Pink Floyd')!;
    expect(floyd.albums.map((a) => [a.name, a.tracks, a.cover])).toEqual([
      ['Animals (1977)', 3, 'music/Pink Floyd/Animals (1977)/folder.jpg'],
      ['The Wall (1979)', 5, 'music/Pink Floyd/The Wall (1979)/cover.jpg'],
    ]);
    const wall = floyd.albums[1]!;
    expect(wall.path).toBe(WALL);
    expect(wall.bytes).toBe(3 * 100_000 + 'changed later'.length + 'bonus'.length + coverImage('Pink Floyd The Wall (1979)').length);
    expect(index.artists.find((a) => a.name === 'Sigur Rós')!.albums[0]!.cover).toBeNull();
    expect(buildMusicIndex('docs', [{ path: 'a/b/readme.txt', size: 1, isDir: false }]).layout).toBe('plain');
  });

  it('lists the versions of an album newest first with what changed', async () => {
    const versions = await snapshotItemVersions(dest, WALL);
    expect(versions.map((v) => v.snapshotId)).toEqual([secondId, firstId]);
    expect(versions[0]!.changes).toEqual({ added: 1, removed: 0, changed: 1 });
    expect(versions[1]!.changes).toBeNull();
    expect(versions[1]!.files).toBe(5);
    const bjork = await snapshotItemVersions(dest, 'music/Björk');
    expect(bjork[0]!.changes).toEqual({ added: 0, removed: 0, changed: 0 });
  });
});

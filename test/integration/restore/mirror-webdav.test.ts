import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMirrorRestorePoints, mirrorListing, restoreFromMirror } from '../../../electron/core/restore/mirror-restore.js';
import { buildMusicIndex } from '../../../electron/core/restore/music-index.js';
import { RestoreError } from '../../../electron/core/restore/restore-errors.js';
import { MirrorError, readMirrorManifests, runMirror } from '../../../electron/core/snapshots/mirror-run.js';
import { createRcloneExec, type RcloneExec } from '../../../electron/core/snapshots/rclone-exec.js';
import { generateLibrary, trackBytes } from '../../support/music-library.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';

const work = mkdtempSync(join(tmpdir(), 'reprise-mirror-'));
const music = join(work, 'src', 'music');
const served = join(work, 'served');
const target = 'dav:backup';
const WALL = 'music/Pink Floyd/The Wall (1979)';
const wallDir = join(music, 'Pink Floyd', 'The Wall (1979)');
let server: WebDavServer;
let exec: RcloneExec;
let t = Date.UTC(2026, 10, 1, 4);
const clock = () => new Date((t += 86_400_000));
const job = { id: 'j', name: 'Music' };
let run1 = '';
let run2 = '';

beforeAll(async () => {
  mkdirSync(served);
  generateLibrary(music);
  server = await startWebDav(served);
  exec = createRcloneExec({ configFile: await writeWebDavConfig(work, 'dav', server) });
});
afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

const mirror = (extra: Partial<Parameters<typeof runMirror>[0]> = {}) =>
  runMirror({ target, sources: [music], job, repriseVersion: 't', exec, clock, ...extra });

describe('versioned mirror on rclone serve webdav (loopback)', () => {
  it('first run fills current/ and writes a manifest', async () => {
    const m = await mirror();
    run1 = m.id;
    expect(m.outcome).toBe('ok');
    expect(m.sources[0]).toMatchObject({ base: 'music', files: 20, outcome: 'ok', added: [] });
    expect(readFileSync(join(served, 'backup', 'current', ...WALL.split('/'), '01 Track 1.flac')).equals(trackBytes('Pink Floyd', 'The Wall (1979)', 1))).toBe(true);
  });

  it('a run with nothing to do writes no new restore point', async () => {
    const again = await mirror();
    expect(again.unchanged).toBe(true);
    expect((await readMirrorManifests(exec, target)).map((m) => m.id)).toEqual([run1]);
  });

  it('a changed and a deleted file land in a version folder; the manifest lists what was added', async () => {
    writeFileSync(join(wallDir, '02 Track 2.flac'), 'remastered, and a different size');
    rmSync(join(wallDir, '03 Track 3.flac'));
    writeFileSync(join(wallDir, '05 Bonus.flac'), 'bonus');
    const m = await mirror();
    run2 = m.id;
    expect(m.outcome).toBe('ok');
    expect(m.sources[0]!.added).toEqual([`${WALL}/05 Bonus.flac`]);
    expect(m.sources[0]!.versioned).toBe(2);
    const versions = join(served, 'backup', 'versions', run2, ...WALL.split('/'));
    expect(readdirSync(versions).sort()).toEqual(['02 Track 2.flac', '03 Track 3.flac']);
    expect(readFileSync(join(versions, '03 Track 3.flac')).equals(trackBytes('Pink Floyd', 'The Wall (1979)', 3))).toBe(true);
    const points = await listMirrorRestorePoints(exec, target);
    expect(points.map((p) => [p.id, p.latest])).toEqual([
      [run2, true],
      [run1, false],
    ]);
  });

  it('restores the album as it was at the first run, byte-identical, and verifies it', async () => {
    const to = join(work, 'restore-old');
    mkdirSync(to);
    const preview = await restoreFromMirror({ exec, target, at: run1, path: WALL, to, policy: 'skip', dryRun: true });
    expect(preview.plan.items.map((i) => i.path).sort()).toEqual(['01 Track 1.flac', '02 Track 2.flac', '03 Track 3.flac', '04 Track 4.flac', 'cover.jpg']);
    expect(readdirSync(to)).toEqual([]);
    const phases: string[] = [];
    const r = await restoreFromMirror({ exec, target, at: run1, path: WALL, to, policy: 'skip', onProgress: (p) => phases.push(p.phase) });
    expect(r.verification).toEqual({ ok: true, mismatches: [], keptExisting: [] });
    expect(phases).toEqual(expect.arrayContaining(['planning', 'copying', 'verifying']));
    const album = join(to, 'The Wall (1979)');
    expect(readdirSync(album).sort()).toEqual(['01 Track 1.flac', '02 Track 2.flac', '03 Track 3.flac', '04 Track 4.flac', 'cover.jpg']);
    for (const n of [1, 2, 3, 4]) {
      expect(readFileSync(join(album, `0${n} Track ${n}.flac`)).equals(trackBytes('Pink Floyd', 'The Wall (1979)', n))).toBe(true);
    }
  });

  it('restores the latest state and a single file; refuses escapes', async () => {
    const to = join(work, 'restore-latest');
    mkdirSync(to);
    const r = await restoreFromMirror({ exec, target, at: 'latest', path: WALL, to, policy: 'overwrite' });
    expect(r.verification?.ok).toBe(true);
    expect(readdirSync(join(to, 'The Wall (1979)')).sort()).toEqual(['01 Track 1.flac', '02 Track 2.flac', '04 Track 4.flac', '05 Bonus.flac', 'cover.jpg']);
    const one = await restoreFromMirror({ exec, target, at: run1, path: `${WALL}/03 Track 3.flac`, to, policy: 'skip' });
    expect(one.verification?.ok).toBe(true);
    expect(readFileSync(join(to, '03 Track 3.flac')).equals(trackBytes('Pink Floyd', 'The Wall (1979)', 3))).toBe(true);
    for (const bad of ['../x', '/etc', 'music/../../x']) {
      await expect(restoreFromMirror({ exec, target, at: run1, path: bad, to, policy: 'skip' })).rejects.toSatisfy(
        (e: unknown) => e instanceof RestoreError && e.kind === 'unsafe-path',
      );
    }
  });

  it('indexes artists and albums across current and version folders', async () => {
    rmSync(join(music, 'Motörhead'), { recursive: true });
    await mirror();
    const index = buildMusicIndex('music', await mirrorListing(exec, target, 'music'));
    // Motörhead is gone from current/ but still restorable from a version folder.
    expect(index.artists.map((a) => a.name)).toContain('Motörhead');
    expect(index.artists.find((a) => a.name === 'Björk')!.albums[0]).toMatchObject({ tracks: 3, cover: 'music/Björk/Homogenic (1997)/front.jpg' });
  });

  it('the guard refuses an empty or missing source and stops a run that deletes too much', async () => {
    const before = (await readMirrorManifests(exec, target)).length;
    const empty = join(work, 'empty', 'music');
    mkdirSync(empty, { recursive: true });
    await expect(mirror({ sources: [empty] })).rejects.toSatisfy((e: unknown) => e instanceof MirrorError && e.kind === 'source-empty');
    await expect(mirror({ sources: [join(work, 'unplugged', 'music')] })).rejects.toSatisfy((e: unknown) => e instanceof MirrorError && e.kind === 'source-missing');
    expect((await readMirrorManifests(exec, target)).length).toBe(before);
    expect(existsSync(join(served, 'backup', 'current', 'music', 'Pink Floyd'))).toBe(true);

    // Delete almost the whole library: with a 10% share the run is stopped early.
    for (const artist of ['Pink Floyd', 'Björk', 'Sigur Rós']) rmSync(join(music, artist), { recursive: true });
    const m = await mirror({ guard: { maxDeleteShare: 0.1, minimumAllowed: 1 } });
    expect(m.outcome).toBe('guard-stopped');
    expect(m.sources[0]!.error).toMatch(/would delete more than 1 files/);
    const left = readdirSync(join(served, 'backup', 'current', 'music'));
    expect(left.length).toBeGreaterThan(1);
    // Confirmed by the user, the same run goes through.
    const ok = await mirror({ guard: { confirmed: true } });
    expect(ok.outcome).toBe('ok');
    expect(readdirSync(join(served, 'backup', 'current', 'music'))).toEqual(['-Dash Band']);
  });
});

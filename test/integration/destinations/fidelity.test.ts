// Every restore point restores exactly what the source held at that point — contents, symlinks,
// empty folders, modes, owners, mtimes, hard links, xattrs, odd names — from a snapshot, a local
// mirror and a WebDAV mirror, through the `reprise` command as a user runs it. The restored trees
// are compared with descriptions of the source taken at each point, never with what was copied.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';
import { makeTrickyTree } from '../../support/tricky-tree.js';

const asRoot = process.getuid?.() === 0;
let root: string;
let src: string;
let data: string;
let config: string;
let server: WebDavServer;
/** Every getfattr Reprise starts (through a wrapper first on PATH), one line of arguments each. */
let getfattrLog: string;
let env: NodeJS.ProcessEnv;
const dests: Record<string, string> = {};
const truths: string[][] = [];
const describe1 = (dir: string) => describeTree(dir, { xattrs: true, owners: asRoot });

beforeAll(async () => {
  root = tempDir();
  src = join(root, 'music');
  data = join(root, 'data');
  mkdirSync(join(root, 'dav'));
  makeTrickyTree(src);
  // A zoneinfo-like tree: many small files, symlinks and hard links as the OS ships them.
  cpSync('/usr/share/zoneinfo/Europe', join(src, 'zoneinfo', 'Europe'), { recursive: true, verbatimSymlinks: true });
  if (asRoot) chownSync(join(src, 'private', 'key'), 65534, 65534);
  server = await startWebDav(join(root, 'dav'));
  config = await writeWebDavConfig(root, 'dav', server);
  dests.snapshot = join(root, 'snapshots');
  dests.local = join(root, 'mirror');
  dests.webdav = 'dav:backup';
  const bin = join(root, 'bin');
  mkdirSync(bin);
  getfattrLog = join(root, 'getfattr.log');
  const realGetfattr = execFileSync('sh', ['-c', 'command -v getfattr'], { encoding: 'utf8' }).trim();
  writeFileSync(join(bin, 'getfattr'), `#!/bin/sh\necho "$*" >> '${getfattrLog}'\nexec '${realGetfattr}' "$@"\n`);
  chmodSync(join(bin, 'getfattr'), 0o755);
  env = { PATH: `${bin}:${process.env.PATH}` };
}, 60_000);
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args], env);
type Points = Array<{ kind: string; target: string; warnings: string[]; points: Array<{ id: string; latest: boolean; outcome: string; lacking: number }> }>;

async function pointsOf(): Promise<Points> {
  const r = await cli(['snapshots', 'Fidelity', '--json']);
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Points;
}

describe('restore points restore exactly what the source held', () => {
  it('backs up the tricky tree to a snapshot, a local mirror and a WebDAV mirror', async () => {
    const add = await cli(['job', 'add', 'Fidelity', '--source', src, '--snapshot', dests.snapshot!, '--mirror', dests.local!, '--mirror', dests.webdav!]);
    expect(add.exitCode, add.stderr).toBe(0);
    truths.push(describe1(src));
    const run = await cli(['run', 'Fidelity']);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it('records a second point after edits of every kind, and nothing for a run with no change', async () => {
    const album = join(src, 'Björk', 'Homogenic (1997)');
    // A same-size edit with a later time (a WebDAV remote without times compares by size only).
    writeFileSync(join(album, '02 Unravel.flac'), randomBytes(20_000));
    utimesSync(join(album, '02 Unravel.flac'), 1_900_000_000, 1_900_000_000);
    execFileSync('chmod', ['640', join(album, 'cover.jpg')]); // mode only
    utimesSync(join(src, 'Sigur Rós', 'Ágætis byrjun', 'Svefn-g-englar.flac'), 1_600_000_000, 1_600_000_000); // time only
    rmSync(join(src, 'Emoji 🎵 Band.flac'));
    mkdirSync(join(src, 'New Artist', 'New Album'), { recursive: true });
    writeFileSync(join(src, 'New Artist', 'New Album', '01 New.flac'), randomBytes(7_000));
    unlinkSync(join(album, 'favourite'));
    symlinkSync('02 Unravel.flac', join(album, 'favourite'));
    execFileSync('setfattr', ['-n', 'user.rating', '-v', '4 stars', join(album, '01 Jóga.flac')]); // xattr only
    execFileSync('setfacl', ['-m', 'u:nobody:rw', join(src, '-dash "quoted" Band', 'track.mp3')]); // ACL only
    rmSync(join(src, 'Empty Artist'), { recursive: true });
    truths.push(describe1(src));
    const run = await cli(['run', 'Fidelity']);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    // A run with no change reads no extended attributes: every entry's ctime vouches for its base's.
    writeFileSync(getfattrLog, '');
    const again = await cli(['run', 'Fidelity']);
    expect(again.exitCode).toBe(0);
    expect(readFileSync(getfattrLog, 'utf8').split('\n').filter(Boolean)).toEqual([]);
    const points = await pointsOf();
    expect(points.map((d) => [d.kind, d.points.length, d.warnings.length])).toEqual([
      ['snapshot', 2, 0],
      ['mirror', 2, 0],
      ['mirror', 2, 0],
    ]);
    for (const d of points) expect(d.points.every((p) => p.outcome === 'ok' && p.lacking === 0)).toBe(true);
  });

  it('restores every point of every destination as the source was, bytes and metadata, verified against its record', async () => {
    const points = await pointsOf();
    for (const d of points) {
      const ordered = [...d.points].reverse(); // oldest first, like truths
      for (const [i, p] of ordered.entries()) {
        const to = tempDir();
        const r = await cli(['restore', 'Fidelity', '--path', 'music', '--at', p.id, '--from', d.target, '--to', to]);
        expect(r.exitCode, `${d.target} @ ${p.id}: ${r.stdout}\n${r.stderr}`).toBe(0);
        expect(r.stdout).toMatch(/✓ verified: .* match the restore point's record/);
        expect(treeDiff(truths[i]!, describe1(join(to, 'music'))), `${d.target} @ ${p.id}`).toEqual([]);
        if (d.kind === 'snapshot') {
          const s = statSync(join(to, 'music', 'sparse.img'));
          expect(s.blocks * 512, 'a sparse file stays sparse through a snapshot').toBeLessThan(s.size / 4);
        }
      }
    }
  });

  it('verifies each destination against its record, shallow and deep', async () => {
    for (const deep of [false, true]) {
      const r = await cli(['verify', 'Fidelity', ...(deep ? ['--deep'] : [])]);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout.match(/✓/g)?.length).toBe(3);
    }
  });

  it('a same-size change of stored bytes is caught by verify --deep and a restore of it is never called verified', async () => {
    const points = await pointsOf();
    const rel = join('music', 'New Artist', 'New Album', '01 New.flac');
    const tamper = (file: string) => {
      const t = statSync(file);
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.from('bit rot'), 0, 7, 100);
      closeSync(fd);
      utimesSync(file, t.atime, t.mtime);
    };
    tamper(join(dests.snapshot!, points[0]!.points[0]!.id, rel));
    tamper(join(dests.local!, 'current', rel));
    tamper(join(root, 'dav', 'backup', 'current', rel));
    const v = await cli(['verify', 'Fidelity', '--deep']);
    expect(v.exitCode).toBe(1);
    expect(v.stdout.match(/✗/g)?.length).toBe(3);
    expect(v.stdout).toContain('01 New.flac: content differs from the record');
    for (const d of points) {
      const to = tempDir();
      const r = await cli(['restore', 'Fidelity', '--path', 'music/New Artist', '--from', d.target, '--to', to]);
      expect(r.exitCode, d.target).toBe(1);
      expect(r.stdout).toContain('01 New.flac: content differs from the record');
      expect(r.stdout).not.toContain('✓ verified');
    }
  });

  it('lists what each run added, changed and deleted per destination, from the records', async () => {
    const history = JSON.parse((await cli(['history', 'Fidelity', '--json'])).stdout) as Array<{ id: number }>;
    const second = history.at(-2)!.id;
    const r = await cli(['changes', 'Fidelity', String(second), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { destinations: Array<{ target: string; added: number; changed: number; deleted: number; entries: Array<{ action: string; path: string }> }> };
    expect(out.destinations).toHaveLength(3);
    for (const d of out.destinations) {
      const by = (a: string) => d.entries.filter((e) => e.action === a).map((e) => e.path).sort();
      expect(by('added'), d.target).toEqual(['music/New Artist/New Album/01 New.flac']);
      expect(by('deleted'), d.target).toEqual(['music/Emoji 🎵 Band.flac']);
      expect(by('changed'), d.target).toEqual(
        ['music/-dash "quoted" Band/track.mp3', 'music/Björk/Homogenic (1997)/01 Jóga.flac', 'music/Björk/Homogenic (1997)/02 Unravel.flac', 'music/Björk/Homogenic (1997)/cover.jpg', 'music/Björk/Homogenic (1997)/favourite', 'music/Sigur Rós/Ágætis byrjun/Svefn-g-englar.flac', 'music/Sigur Rós/Ágætis byrjun/same track, hard link.flac'].sort(),
      );
    }
    const human = await cli(['changes', 'Fidelity', String(second)]);
    expect(human.stdout).toContain('+ music/New Artist/New Album/01 New.flac');
    expect(human.stdout).toContain('- music/Emoji 🎵 Band.flac');
    expect(readdirSync(dests.local!)).toEqual(expect.arrayContaining(['current', 'versions', 'records']));
  });
});

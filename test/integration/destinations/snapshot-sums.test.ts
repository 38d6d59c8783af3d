// A first snapshot takes its record's content hashes from rsync, which sums each file it copies
// (--checksum-choice=md5, printed by --out-format), instead of reading every file a second time.
// Checked through the `reprise` command against the source as it was: every hash in the record is
// the MD5 of the source file, for odd names (not UTF-8, a newline, a tab, rsync's own escape
// sequence) and for folders where rsync's order differs from the record's; and a first run that was
// interrupted, whose next run links what was already copied (rsync names none of those files), still
// records every hash right and restores exactly. And a file edited between the walk and rsync's copy
// (a tag editor at work while the backup runs) is not claimed by the point, whose record would not
// describe it: the point says it is missing and why, and the next run backs it up.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../../support/cli.js';
import { slowRsync, toolPids } from '../../support/faults.js';
import { waitFor } from '../../support/procs.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

let root: string;
afterAll(() => cleanupTempDirs());
beforeAll(() => {
  root = tempDir();
});

const md5 = (file: Buffer | string): string => createHash('md5').update(readFileSync(file)).digest('hex');

/** Every file entry of the newest full record in `dest`: record path (binary string) → hash. */
function recordedHashes(dest: string): Map<string, string | undefined> {
  const records = join(dest, 'records');
  const name = readdirSync(records)
    .filter((n) => n.endsWith('.entries.gz') || n.endsWith('.final.gz'))
    .sort()
    .at(-1)!;
  const lines = gunzipSync(readFileSync(join(records, name))).toString('utf8').split('\n').filter(Boolean).slice(1);
  const out = new Map<string, string | undefined>();
  for (const l of lines) {
    const e = JSON.parse(l) as { p?: string; pb?: string; t: string; h?: string };
    if (e.t !== 'f') continue;
    out.set(e.pb !== undefined ? Buffer.from(e.pb, 'base64').toString('latin1') : Buffer.from(e.p!, 'utf8').toString('latin1'), e.h);
  }
  return out;
}

/** The run log's line saying where the content hashes came from: [taken from rsync, read again]. */
function hashSources(stdout: string): [number, number] {
  const log = /Log: (\S+)/.exec(stdout)?.[1];
  expect(log, stdout).toBeDefined();
  const m = /# content hashes: (\d+) taken from rsync's copy, (\d+) read from the source/.exec(readFileSync(log!, 'utf8'));
  expect(m, 'the run log says where the hashes came from').not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

describe("a first snapshot's hashes are rsync's sums", () => {
  it('records the MD5 of every source file, odd names and out-of-order folders included, reading again only a hard link\'s second name', async () => {
    const src = join(root, 'one', 'music');
    const artist = join(src, 'Artist');
    // Files on both sides of sub-folders by name: rsync sends a folder's files before its
    // sub-folders, the record sorts whole paths ("Artist/a.jpg", "Artist/Album 1/…", "Artist/b.txt"…).
    for (const album of ['Album 1', 'b Album', 'zz Album']) {
      mkdirSync(join(artist, album), { recursive: true });
      for (let t = 1; t <= 3; t++) writeFileSync(join(artist, album, `0${t} Track.flac`), randomBytes(4_000 + t));
    }
    for (const f of ['a.jpg', 'Album 0.txt', 'b.txt', 'y.log', 'zzz.jpg']) writeFileSync(join(artist, f), randomBytes(700));
    const odd = join(src, 'Odd');
    mkdirSync(odd);
    writeFileSync(Buffer.from(`${odd}/caf\xe9 latin-1.flac`, 'latin1'), randomBytes(900));
    writeFileSync(join(odd, 'new\nline.flac'), randomBytes(901));
    writeFileSync(join(odd, 'tab\there and a trailing space '), randomBytes(902));
    writeFileSync(join(odd, ' leading space'), randomBytes(903));
    writeFileSync(join(odd, 'literal \\#123 escape'), randomBytes(904));
    writeFileSync(join(odd, 'empty'), '');
    writeFileSync(join(odd, 'Emoji 🎵.flac'), randomBytes(905));
    symlinkSync('empty', join(odd, 'a link'));
    linkSync(join(artist, 'a.jpg'), join(odd, 'hard link to a.jpg'));
    const truth = describeTree(src);

    const data = join(root, 'one', 'data');
    const dest = join(root, 'one', 'snapshots');
    expect((await reprise(data, ['job', 'add', 'Sums', '--source', src, '--snapshot', dest])).exitCode).toBe(0);
    const run = await reprise(data, ['run', 'Sums']);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);

    const hashes = recordedHashes(dest);
    // 9 tracks + 5 loose files in Artist, 7 odd files and the hard link's second name.
    expect(hashes.size).toBe(22);
    for (const [path, hash] of hashes) {
      const abs = Buffer.concat([Buffer.from(join(root, 'one')), Buffer.from('/'), Buffer.from(path, 'latin1')]);
      expect(hash, JSON.stringify(path)).toBe(md5(abs));
    }
    // Only the hard link's second name, which rsync links instead of sending, was read again.
    expect(hashSources(run.stdout)).toEqual([21, 1]);

    const deep = await reprise(data, ['verify', 'Sums', '--deep']);
    expect(deep.exitCode, `${deep.stdout}\n${deep.stderr}`).toBe(0);
    expect(deep.stdout).toContain('content hashes included');
    const to = tempDir();
    const restore = await reprise(data, ['restore', 'Sums', '--path', 'music', '--to', to]);
    expect(restore.exitCode, `${restore.stdout}\n${restore.stderr}`).toBe(0);
    expect(restore.stdout).toContain('✓ verified');
    expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
  });

  it('a first snapshot stopped mid-copy: the next run links what was copied, reads those files itself, and restores exactly', async () => {
    const src = join(root, 'two', 'music');
    for (let a = 0; a < 3; a++) {
      const album = join(src, `Artist ${a}`, 'Album');
      mkdirSync(album, { recursive: true });
      for (let t = 0; t < 8; t++) writeFileSync(join(album, `${t} Track.flac`), randomBytes(60_000));
    }
    const truth = describeTree(src);
    const data = join(root, 'two', 'data');
    const dest = join(root, 'two', 'snapshots');
    expect((await reprise(data, ['job', 'add', 'Sums', '--source', src, '--snapshot', dest])).exitCode).toBe(0);

    // rsync slowed to 400 kB/s, killed once it has copied a few files whole (rsync writes each
    // under a dot-name and renames it when done).
    const copied = (): number => {
      const staging = join(dest, '.reprise-staging', 'music');
      try {
        return readdirSync(staging, { recursive: true, withFileTypes: true }).filter((d) => d.isFile() && !d.name.startsWith('.')).length;
      } catch {
        return 0;
      }
    };
    const child: ChildProcess = spawn(process.execPath, [repriseBin, '--data-dir', data, 'run', 'Sums'], { env: { ...process.env, REPRISE_RSYNC: slowRsync(join(root, 'two'), 400) }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const pids = await waitFor('rsync copying into the staging folder', () => {
      const p = toolPids('rsync', src);
      return p.length > 0 && copied() >= 3 ? p : undefined;
    });
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    expect(await exited).not.toBe(0);
    expect(readdirSync(dest)).toContain('.reprise-staging');

    const run = await reprise(data, ['run', 'Sums']);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const [fromRsync, read] = hashSources(run.stdout);
    expect(fromRsync + read).toBe(24);
    expect(read, 'the files linked from the stopped run are read, not waited for').toBeGreaterThan(0);
    expect(fromRsync, 'what the stopped run had not copied comes with rsync\'s sums').toBeGreaterThan(0);
    for (const [path, hash] of recordedHashes(dest)) expect(hash, path).toBe(md5(join(root, 'two', path)));

    const to = tempDir();
    const restore = await reprise(data, ['restore', 'Sums', '--path', 'music', '--to', to]);
    expect(restore.exitCode, `${restore.stdout}\n${restore.stderr}`).toBe(0);
    expect(restore.stdout).toContain('✓ verified');
    expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
  });
});

describe('a file edited between the walk and the copy', () => {
  /**
   * An rsync that first edits `file` (a tag edit: same size, other bytes, a later time, or `grow`
   * bytes more), then copies: the edit lands after Reprise's walk and before rsync lists the file,
   * every time. Only the copy does this, not `rsync --version`.
   */
  const editingRsync = (dir: string, file: string, at: number, grow: number): string => {
    const script = join(dir, `editing-rsync-${at}`);
    writeFileSync(
      script,
      `#!/bin/sh\ncase "$*" in *-aHAXS*) size=$(stat -c %s '${file}'); head -c $((size + ${grow})) /dev/urandom > '${file}.new' && mv '${file}.new' '${file}' && touch -d @${at} '${file}';; esac\nexec rsync "$@"\n`,
    );
    execFileSync('chmod', ['755', script]);
    return script;
  };

  it('in a first snapshot and in a later one: left out of the point and said, backed up by the next run; every point restores exactly', async () => {
    const base = join(root, 'three');
    const src = join(base, 'music');
    for (const album of ['A Album', 'B Album']) {
      mkdirSync(join(src, 'Artist', album), { recursive: true });
      for (let t = 0; t < 4; t++) writeFileSync(join(src, 'Artist', album, `${t} Track.flac`), randomBytes(20_000));
    }
    const edited = join(src, 'Artist', 'B Album', '3 Track.flac');
    const data = join(base, 'data');
    const dest = join(base, 'snapshots');
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => reprise(data, args, env);
    // An exclude keeps the first snapshot on the path that walks before rsync copies (without one, a
    // first snapshot copies while it walks: snapshot-first-run.test.ts edits a file in between there).
    expect((await cli(['job', 'add', 'Edit', '--source', src, '--snapshot', dest, '--exclude', '*.part'])).exitCode).toBe(0);
    const points = async (): Promise<Array<{ id: string; outcome: string; lacking: number }>> => {
      const r = await cli(['snapshots', 'Edit', '--json']);
      return (JSON.parse(r.stdout) as Array<{ points: Array<{ id: string; outcome: string; lacking: number }> }>)[0]!.points;
    };
    const restoresAs = async (id: string, truth: string[]): Promise<void> => {
      const to = tempDir();
      const r = await cli(['restore', 'Edit', '--path', 'music', '--at', id, '--to', to]);
      expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('✓ verified');
      expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
    };
    /** A run whose rsync edits the track first: a point that leaves the track out, and says so. */
    const runEditedMeanwhile = async (at: number, grow: number): Promise<{ id: string; truth: string[] }> => {
      const truth = describeTree(src).filter((l) => !l.includes('3 Track.flac') || !l.includes('B Album'));
      const run = await cli(['run', 'Edit'], { REPRISE_RSYNC: editingRsync(base, edited, at, grow) });
      expect(run.exitCode, run.stdout).not.toBe(0);
      expect(run.stdout).toMatch(/Partly failed — .* — 1 file could not be backed up: music\/Artist\/B Album\/3 Track\.flac: changed while the snapshot was taken; the next run backs it up/);
      const log = readFileSync(/Log: (\S+)/.exec(run.stdout)![1]!, 'utf8');
      expect(log).toContain("1 file changed between the comparison and rsync's copy: left out of this point, the next run backs it up (first: music/Artist/B Album/3 Track.flac)");
      const p = (await points())[0]!;
      expect(p).toMatchObject({ outcome: 'warning', lacking: 1 });
      // What the point claims matches what it holds.
      const deep = await cli(['verify', 'Edit', '--deep']);
      expect(deep.exitCode, deep.stdout).toBe(0);
      return { id: p.id, truth };
    };
    /** A plain run: the point holds the source as it is. */
    const runPlain = async (): Promise<{ id: string; truth: string[] }> => {
      const truth = describeTree(src);
      const run = await cli(['run', 'Edit']);
      expect(run.exitCode, run.stdout).toBe(0);
      const p = (await points())[0]!;
      expect(p).toMatchObject({ outcome: 'ok', lacking: 0 });
      return { id: p.id, truth };
    };

    // First snapshot, the track edited to the same size: its hash would be rsync's, but its time is not the walked one.
    const p1 = await runEditedMeanwhile(1_900_000_000, 0);
    const p2 = await runPlain();
    // A later snapshot with the track changed, and changed again (grown) before rsync copies it.
    writeFileSync(edited, randomBytes(20_000));
    utimesSync(edited, 1_900_000_100, 1_900_000_100);
    const p3 = await runEditedMeanwhile(1_900_000_200, 5_000);
    const p4 = await runPlain();
    // The point a run left the track out of restores the rest; every other as its source was.
    const without = async (p: { id: string; truth: string[] }): Promise<void> => {
      const to = tempDir();
      const r = await cli(['restore', 'Edit', '--path', 'music', '--at', p.id, '--to', to]);
      // Reported incomplete for the one track, as a point lacking a file is; nothing restored differs.
      expect(r.stdout).toContain('✗ incomplete: 1 entry of the restore point could not be restored:\n  music/Artist/B Album/3 Track.flac');
      expect(r.stdout).not.toMatch(/differ from the restore point's record/);
      expect(treeDiff(p.truth, describeTree(join(to, 'music')).filter((l) => !l.includes('3 Track.flac') || !l.includes('B Album')))).toEqual([]);
      expect(readdirSync(join(to, 'music', 'Artist', 'B Album')).sort()).toEqual(['0 Track.flac', '1 Track.flac', '2 Track.flac']);
    };
    await without(p1);
    await without(p3);
    await restoresAs(p2.id, p2.truth);
    await restoresAs(p4.id, p4.truth);
  });
});

// Jobs whose source is a folder on an rclone remote, against real loopback servers: WebDAV → a local
// mirror, SFTP → a mirror on the WebDAV server (remote to remote), WebDAV → a local copy. Each point
// is restored and compared with the source as it was when the point was made; "what changed" and
// verify read the records as for a local source; a stopped source server fails the run as "source
// unreachable" and leaves the mirror exactly as it was; a snapshot of a remote source is refused.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { type TestServer, startRcloneServe } from '../../support/remote-servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree } from '../../support/tree-truth.js';

let root: string;
let davRoot: string;
let sftpRoot: string;
let dav: TestServer;
let sftp: TestServer;
let config: string;

/**
 * What a remote source holds, as the remote can tell it: every file's path, size, content and
 * modification time to the second (WebDAV and SFTP keep seconds). Read from the served folder itself,
 * not through Reprise or rclone.
 */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const n of readdirSync(abs).sort()) {
      const a = join(abs, n);
      const r = rel ? `${rel}/${n}` : n;
      const s = statSync(a);
      if (s.isDirectory()) walk(a, r);
      else out.push(`${r} ${s.size} ${Math.floor(s.mtimeMs / 1000)} ${createHash('md5').update(readFileSync(a)).digest('hex')}`);
    }
  };
  walk(dir, '');
  return out;
}

function write(file: string, text: string, when: number): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  utimesSync(file, when, when);
}

function library(dir: string): void {
  write(join(dir, 'Björk', 'Debut', '01 Human Behaviour.flac'), 'human behaviour '.repeat(500), 1_600_000_000);
  write(join(dir, 'Björk', 'Debut', '02 Crying.flac'), 'crying '.repeat(700), 1_600_000_100);
  write(join(dir, 'Sigur Rós', 'Ágætis byrjun', '01 Intro.flac'), 'intro '.repeat(300), 1_600_000_200);
  write(join(dir, 'Sigur Rós', 'Ágætis byrjun', 'cover.jpg'), 'jpeg bytes', 1_600_000_300);
  write(join(dir, 'notes.txt'), 'a note', 1_600_000_400);
  // rclone lists this name with U+2409 for the tab: the record and a restore keep the tab itself.
  write(join(dir, 'Björk', 'Debut', '03 Tab\there.flac'), 'tab '.repeat(200), 1_600_000_500);
}

/** Adds, changes (same size, newer time) two files and deletes one: a second point that differs. */
function change(dir: string): void {
  write(join(dir, 'Björk', 'Post', '01 Army of Me.flac'), 'army of me '.repeat(400), 1_600_100_000);
  write(join(dir, 'Björk', 'Debut', '02 Crying.flac'), 'CRYING '.repeat(700), 1_600_100_100);
  write(join(dir, 'Björk', 'Debut', '03 Tab\there.flac'), 'TAB '.repeat(200), 1_600_100_200);
  rmSync(join(dir, 'notes.txt'));
}

type Points = Array<{ target: string; points: Array<{ id: string; outcome: string }> }>;

beforeAll(async () => {
  root = tempDir('reprise-remote-source-');
  davRoot = join(root, 'dav');
  sftpRoot = join(root, 'sftp');
  mkdirSync(davRoot);
  mkdirSync(sftpRoot);
  // The tests change the served folders directly: the servers must not answer from a cached listing.
  dav = await startRcloneServe('webdav', davRoot, { user: 'alice', pass: 'dav secret' }, ['--dir-cache-time', '0s']);
  sftp = await startRcloneServe('sftp', sftpRoot, { user: 'bob', pass: 'sftp secret' }, ['--dir-cache-time', '0s']);
  const obscure = async (p: string): Promise<string> => (await execa('rclone', ['obscure', p])).stdout.trim();
  config = join(root, 'rclone.conf');
  writeFileSync(
    config,
    `[web]\ntype = webdav\nurl = ${dav.url}\nvendor = other\nuser = alice\npass = ${await obscure('dav secret')}\n\n` +
      `[box]\ntype = sftp\nhost = 127.0.0.1\nport = ${sftp.port}\nuser = bob\npass = ${await obscure('sftp secret')}\n`,
    { mode: 0o600 },
  );
}, 60_000);
afterAll(async () => {
  await dav?.stop();
  await sftp?.stop();
  cleanupTempDirs();
});

describe.each([
  ['WebDAV source → local mirror', 'web', (): string => davRoot, (): string => join(root, 'mirror-local')],
  ['SFTP source → mirror on the WebDAV server', 'box', (): string => sftpRoot, (): string => 'web:backups/music'],
] as const)('%s', (_title, remote, servedRoot, target) => {
  it('makes restore points from the remote listing; each restores to the source as it was; changes and verify read the records', { timeout: 300_000 }, async () => {
    const data = tempDir();
    const src = join(servedRoot(), 'Music');
    library(src);
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
    const add = await cli(['job', 'add', 'C', '--source', `${remote}:Music`, '--mirror', target()]);
    expect(add.exitCode, add.stderr).toBe(0);
    expect(add.stdout).toContain(`${remote}:Music`);

    const truths: string[][] = [];
    for (let run = 0; run < 2; run++) {
      if (run === 1) change(src);
      truths.push(files(src));
      const r = await cli(['run', 'C']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    }
    const changes = JSON.parse((await cli(['changes', 'C', '--json'])).stdout) as { destinations: Array<{ added: number; changed: number; deleted: number; entries: Array<{ action: string; path: string }> }> };
    expect(changes.destinations[0]).toMatchObject({ added: 1, changed: 2, deleted: 1 });
    expect(changes.destinations[0]!.entries.map((e) => `${e.action} ${e.path}`).sort()).toEqual(['added Music/Björk/Post/01 Army of Me.flac', 'changed Music/Björk/Debut/02 Crying.flac', 'changed Music/Björk/Debut/03 Tab\there.flac', 'deleted Music/notes.txt']);

    const points = (JSON.parse((await cli(['snapshots', 'C', '--json'])).stdout) as Points)[0]!.points;
    expect(points.map((p) => p.outcome)).toEqual(['ok', 'ok']);
    const ids = points.map((p) => p.id).sort();
    for (const [i, id] of ids.entries()) {
      const to = tempDir();
      const r = await cli(['restore', 'C', '--path', 'Music', '--at', id, '--to', to]);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(files(join(to, 'Music')), id).toEqual(truths[i]);
    }
    const verify = await cli(['verify', 'C', '--deep', '--json']);
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject([{ ok: true, differences: 0 }]);

    // A third run with nothing changed makes no point and copies nothing.
    const again = await cli(['run', 'C']);
    expect(again.exitCode).toBe(0);
    expect((JSON.parse((await cli(['snapshots', 'C', '--json'])).stdout) as Points)[0]!.points).toHaveLength(2);
  });
});

describe('a WebDAV source copied to a local folder', () => {
  it('copies the remote folder under its own name', async () => {
    const data = tempDir();
    const src = join(davRoot, 'Photos');
    write(join(src, '2024', 'lake.jpg'), 'lake', 1_700_000_000);
    write(join(src, '2025', 'hill.jpg'), 'hill', 1_700_000_100);
    const to = join(tempDir(), 'copy');
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
    expect((await cli(['job', 'add', 'P', '--source', 'web:Photos', '--copy', to])).exitCode).toBe(0);
    const r = await cli(['run', 'P']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(files(join(to, 'Photos'))).toEqual(files(src));
  });
});

describe('rules for remote sources at job creation', () => {
  it('refuses a snapshot of a remote source, an unknown remote and a destination inside the source', async () => {
    const data = tempDir();
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
    const snap = await cli(['job', 'add', 'S', '--source', 'web:Music', '--snapshot', join(root, 'snaps')]);
    expect(snap.exitCode).not.toBe(0);
    expect(snap.stderr).toContain('A snapshot destination needs a local source folder, and "web:Music" is on an rclone remote.');
    const unknown = await cli(['job', 'add', 'U', '--source', 'nowhere:Music', '--mirror', join(root, 'm')]);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toContain('There is no rclone remote named "nowhere"');
    const inside = await cli(['job', 'add', 'I', '--source', 'web:Music', '--mirror', 'web:Music/backup']);
    expect(inside.exitCode).not.toBe(0);
    expect(inside.stderr).toContain('is inside the source');
  });
});

describe('a source server that is down', () => {
  it('fails the run as "source unreachable" and leaves the mirror as it was', { timeout: 120_000 }, async () => {
    const served = tempDir('reprise-down-');
    const src = join(served, 'Music');
    library(src);
    const server = await startRcloneServe('webdav', served, { user: 'carol', pass: 'down secret' }, ['--dir-cache-time', '0s']);
    const conf = join(tempDir(), 'rclone.conf');
    writeFileSync(conf, `[gone]\ntype = webdav\nurl = ${server.url}\nvendor = other\nuser = carol\npass = ${(await execa('rclone', ['obscure', 'down secret'])).stdout.trim()}\n`, { mode: 0o600 });
    const data = tempDir();
    const mirror = join(tempDir(), 'mirror');
    const cli = (args: string[]) => reprise(data, ['--rclone-config', conf, ...args]);
    expect((await cli(['job', 'add', 'D', '--source', 'gone:Music', '--mirror', mirror])).exitCode).toBe(0);
    const first = await cli(['run', 'D']);
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    const before = describeTree(mirror);
    expect(before.some((l) => l.includes('01 Human Behaviour.flac'))).toBe(true);

    await server.stop();
    const r = await cli(['run', 'D']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('Source unreachable: gone:Music could not be read');
    expect(describeTree(mirror)).toEqual(before);
    const history = JSON.parse((await cli(['history', 'D', '--json'])).stdout) as Array<{ outcome: string; firstError: string | null }>;
    expect(history[0]).toMatchObject({ outcome: 'failed' });
    expect(history[0]!.firstError).toContain('Source unreachable');

    // The audit log names both runs: who started them, from where to where, how they ended.
    const audit = JSON.parse((await cli(['audit', '--json'])).stdout) as Array<{ actor: string; operation: string; source: string; destination: string; result: string; files: number; detail: string }>;
    expect(audit.map((e) => `${e.actor} ${e.operation} ${e.source} → ${e.destination}: ${e.result}`)).toEqual([`cli run gone:Music → ${mirror}: failed`, `cli run gone:Music → ${mirror}: ok`]);
    expect(audit[0]!.detail).toContain('Source unreachable');
    expect(audit[1]!.files).toBe(6);
  });
});

describe('the audit log of remote config changes', () => {
  it('logs remote add, edit and remove from the CLI, with results and no secrets', { timeout: 60_000 }, async () => {
    const data = tempDir();
    const conf = join(tempDir(), 'rclone.conf');
    writeFileSync(conf, '', { mode: 0o600 });
    const cli = (args: string[]) => reprise(data, ['--rclone-config', conf, ...args]);
    expect((await cli(['remote', 'add', 'nas', 'webdav', `url=${dav.url}`, 'vendor=other', 'user=alice', 'pass=dav secret'])).exitCode).toBe(0);
    expect((await cli(['remote', 'add', 'nas', 'webdav', `url=${dav.url}`])).exitCode).not.toBe(0);
    expect((await cli(['remote', 'remove', 'nas'])).exitCode).toBe(0);
    const text = (await cli(['audit', '--json'])).stdout;
    expect(text).not.toContain('dav secret');
    const audit = JSON.parse(text) as Array<{ actor: string; operation: string; destination: string; result: string }>;
    expect(audit.map((e) => `${e.actor} ${e.operation} ${e.destination} ${e.result}`)).toEqual(['cli remote remove nas ok', 'cli remote add nas failed', 'cli remote add nas ok']);
    const table = await cli(['audit']);
    expect(table.stdout).toMatch(/WHO\s+OPERATION/);
    expect(table.stdout).toContain('remote remove');
  });
});

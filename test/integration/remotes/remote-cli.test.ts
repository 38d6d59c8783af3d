// `reprise remote add|list|test|remove` as a user runs them (real processes, real rclone, a real
// WebDAV server), a backup run through the new remote, and a grep of every output, log file and
// the history database for the password that was set.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { startRcloneServe, type TestServer } from '../../support/remote-servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const DAV_PASS = 'cli-dav-Pässword-93';
let dav: TestServer;
let root: string;
const outputs: string[] = [];

beforeAll(async () => {
  root = tempDir();
  const served = join(root, 'served');
  makeLibrary(served, { tracksPerAlbum: 1 });
  dav = await startRcloneServe('webdav', served, { user: 'bob', pass: DAV_PASS });
});
afterAll(async () => {
  await dav?.stop();
  cleanupTempDirs();
});

async function run(args: string[], input?: string) {
  const config = join(root, 'rclone.conf');
  const r = await reprise(join(root, 'data'), ['--rclone-config', config, ...args], {}, input);
  outputs.push(r.stdout, r.stderr);
  return r;
}

describe('reprise remote …', { timeout: 120_000 }, () => {
  it('adds, lists, tests, guards and removes a remote', async () => {
    const bad = await run(['remote', 'add', 'a:b', 'webdav', `url=${dav.url}`]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('cannot contain a colon');
    const notPair = await run(['remote', 'add', 'nas', 'webdav', 'url']);
    expect(notPair.exitCode).toBe(2);
    expect(notPair.stderr).toContain('is not KEY=VALUE');

    const add = await run(['remote', 'add', 'nas', 'webdav', `url=${dav.url}`, 'user=bob', `pass=${DAV_PASS}`, 'vendor=other']);
    expect(add.stderr).toBe('');
    expect(add.exitCode).toBe(0);
    expect(add.stdout).toContain('Added remote "nas" (webdav)');
    const config = join(root, 'rclone.conf');
    expect(readFileSync(config, 'utf8')).not.toContain(DAV_PASS);
    expect(statSync(config).mode & 0o777).toBe(0o600);

    const list = await run(['remote', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([{ name: 'nas', type: 'webdav', isCrypt: false }]);
    const test = await run(['remote', 'test', 'nas']);
    expect(test.exitCode).toBe(0);
    expect(test.stdout).toMatch(/"nas" works/);
    // A new encrypted remote before its first backup: its folder is not made yet, and that is fine.
    expect((await run(['remote', 'add', 'vault', 'crypt', 'remote=nas:vault-new', 'password=vault-Pass-1'])).exitCode).toBe(0);
    const fresh = await run(['remote', 'test', 'vault']);
    expect(fresh.exitCode).toBe(0);
    expect(fresh.stdout).toContain('"vault" works (empty — ready for the first backup)');
    expect(fresh.stderr).not.toMatch(/not exist|not found/i);
    expect((await run(['remote', 'remove', 'vault'])).exitCode).toBe(0);

    await run(['remote', 'add', 'down', 'webdav', 'url=http://127.0.0.1:9/']);
    const down = await run(['remote', 'test', 'down', '--timeout', '10']);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain('could not be reached');

    // A backup job through the remote; then removing the remote is refused unless forced.
    const music = join(root, 'Music');
    makeLibrary(music, { tracksPerAlbum: 1 });
    expect((await run(['job', 'add', 'Music', `--source=${music}`, '--copy=nas:backup'])).exitCode).toBe(0);
    const backup = await run(['run', 'Music']);
    expect(backup.exitCode).toBe(0);
    const refused = await run(['remote', 'remove', 'nas']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('used by "Music"');
    const forced = await run(['remote', 'remove', 'nas', '--force']);
    expect(forced.exitCode).toBe(0);
    expect((await run(['remote', 'list', '--json'])).stdout).not.toContain('"nas"');
  });

  it('reads a password given as "-" from standard input, so it never appears on the command line', async () => {
    const missing = await run(['remote', 'add', 'piped', 'webdav', `url=${dav.url}`, 'user=bob', 'pass=-'], '');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('Expected 1 line(s) on standard input for pass');

    const add = await run(['remote', 'add', 'piped', 'webdav', `url=${dav.url}`, 'user=bob', 'pass=-', 'vendor=other'], `${DAV_PASS}\n`);
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('Added remote "piped" (webdav)');
    expect(readFileSync(join(root, 'rclone.conf'), 'utf8')).not.toContain(DAV_PASS);
    // The server checks the password: the remote works only if the piped one was saved.
    const test = await run(['remote', 'test', 'piped']);
    expect(test.exitCode).toBe(0);
    expect(test.stdout).toMatch(/"piped" works/);
    expect((await run(['remote', 'remove', 'piped'])).exitCode).toBe(0);
  });

  it('left the password in no output, log file or history row', () => {
    const texts = [...outputs, readFileSync(join(root, 'rclone.conf'), 'utf8')];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else texts.push(readFileSync(p).toString('latin1'), readFileSync(p, 'utf8'));
      }
    };
    walk(join(root, 'data'));
    const history = execFileSync('sqlite3', [join(root, 'data', 'history.db'), '.dump'], { encoding: 'utf8' });
    texts.push(history);
    expect(history).toContain('Music');
    const all = texts.join('\n');
    expect(all).not.toContain(DAV_PASS);
  });
});

// Create, test, use and delete remotes against real servers on loopback (webdav, sftp, s3),
// and check that no password we set ever shows up in what the engine hands back.
import { rcloneChild } from '../../../electron/core/rclone/rclone-env.js';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../../../electron/core/remotes/errors.js';
import { SECRET_MASK } from '../../../electron/core/redact.js';
import { makeRcloneEnv, type RcloneTestEnv } from '../../support/rclone-env.js';
import { startRcloneServe, startS3, type TestServer } from '../../support/remote-servers.js';
import { encryptConfig } from '../../support/encrypt-config.js';

const DAV_PASS = 'dav-Pässword-7f3a91';
const SFTP_PASS = 'sftp-secret-c0ffee42';
const CONFIG_PASS = 'config-lock-5d1e2b';
const outputs: string[] = [];

// Everything the engine returns or throws goes through here so the final test can grep it.
function seen<T>(value: T): T {
  outputs.push(JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message } : v)));
  return value;
}
async function seenError(promise: Promise<unknown>): Promise<RemoteError> {
  try {
    await promise;
  } catch (error) {
    seen(error);
    if (error instanceof RemoteError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

let env: RcloneTestEnv;
let servedRoot: string;
let dav: TestServer;
let sftp: TestServer;

beforeAll(async () => {
  servedRoot = await mkdtemp(join(tmpdir(), 'reprise-served-'));
  await mkdir(join(servedRoot, 'Music', 'Björk'), { recursive: true });
  await writeFile(join(servedRoot, 'Music', 'Björk', '01 Jóga.flac'), 'flac-bytes');
  dav = await startRcloneServe('webdav', servedRoot, { user: 'alice', pass: DAV_PASS });
  sftp = await startRcloneServe('sftp', servedRoot, { user: 'bob', pass: SFTP_PASS });
});

afterAll(async () => {
  await dav?.stop();
  await sftp?.stop();
  await rm(servedRoot, { recursive: true, force: true });
});

beforeEach(async () => {
  env = await makeRcloneEnv();
});
afterEach(async () => {
  await env.cleanup();
});

describe('remote config against real servers', { timeout: 60_000 }, () => {
  it('creates a WebDAV remote with an obscured password, tests it, uses it, deletes it', async () => {
    const step = await env.config.create('dav', 'webdav', { url: dav.url, vendor: 'other', user: 'alice', pass: DAV_PASS });
    expect(step).toEqual({ kind: 'done' });
    const text = await readFile(env.configPath, 'utf8');
    expect(text).not.toContain(DAV_PASS);
    expect(text).toMatch(/pass = \S+/);
    expect((await stat(env.configPath)).mode & 0o777).toBe(0o600);

    expect(seen(await env.config.list())).toEqual([{ name: 'dav', type: 'webdav', isCrypt: false }]);
    const detail = seen(await env.config.get('dav'));
    expect(detail.options).toMatchObject({ url: dav.url, user: 'alice', pass: SECRET_MASK });

    expect(seen(await env.config.test('dav'))).toEqual({ ok: true, entries: 1 });
    const listed = await env.runner.runOk(['lsf', '-R', 'dav:Music']);
    expect(listed.stdout).toContain('Björk/01 Jóga.flac');

    // Saving the masked value back keeps the stored secret.
    await env.config.update('dav', { pass: SECRET_MASK, vendor: 'nextcloud' });
    expect(seen(await env.config.test('dav')).ok).toBe(true);

    // A wrong password fails the test with a plain reason.
    await env.config.update('dav', { pass: 'not-the-password' });
    const bad = seen(await env.config.test('dav'));
    expect(bad).toMatchObject({ ok: false, kind: 'auth-failed' });

    await env.config.delete('dav');
    expect(await env.config.list()).toEqual([]);
    expect((await seenError(env.config.delete('dav'))).kind).toBe('not-found');
  });

  it('creates and tests an SFTP remote (password obscured) and reads a file through it', async () => {
    await env.config.create('nas sftp', 'sftp', { host: '127.0.0.1', port: String(sftp.port), user: 'bob', pass: SFTP_PASS });
    expect(await readFile(env.configPath, 'utf8')).not.toContain(SFTP_PASS);
    expect(seen(await env.config.test('nas sftp'))).toMatchObject({ ok: true });
    const cat = await env.runner.runOk(['cat', 'nas sftp:Music/Björk/01 Jóga.flac']);
    expect(cat.stdout).toBe('flac-bytes');
    await env.config.delete('nas sftp');
  });

  it('creates an S3 remote against an S3 server and round-trips a file', async () => {
    const s3 = await startS3(['music']);
    try {
      await env.config.create('s3', 's3', { provider: 'Other', endpoint: s3.url, access_key_id: s3.user, secret_access_key: s3.pass, force_path_style: 'true' });
      expect(seen(await env.config.get('s3')).options.secret_access_key).toBe(SECRET_MASK);
      expect(seen(await env.config.list())).toEqual([{ name: 's3', type: 's3', isCrypt: false, provider: 'Other' }]);
      const local = join(env.dir, 'track.flac');
      await writeFile(local, 'some audio');
      await env.runner.runOk(['copyto', local, 's3:music/Artist/track.flac']);
      expect((await env.runner.runOk(['cat', 's3:music/Artist/track.flac'])).stdout).toBe('some audio');
      expect(seen(await env.config.test('s3'))).toMatchObject({ ok: true });
    } finally {
      await s3.stop();
    }
  });

  it('refuses bad names with a clear error, before rclone sees them', async () => {
    for (const name of [' dav', 'dav ', 'a:b', '-x', '--config']) {
      const error = await seenError(env.config.create(name, 'webdav', { url: dav.url }));
      expect(error.kind).toBe('invalid-name');
    }
    await env.config.create('dav', 'webdav', { url: dav.url });
    expect((await seenError(env.config.create('dav', 'webdav', { url: dav.url }))).kind).toBe('already-exists');
    expect((await seenError(env.config.create('x', 'webdav', { '--url': dav.url }))).kind).toBe('invalid-option');
  });

  it('reports an unreachable server and a silent one in plain words, within the timeout', async () => {
    // Accepts connections and never answers (reads and drops what it gets).
    const silent: Server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      await env.config.create('silent', 'webdav', { url: `http://127.0.0.1:${port}/` });
      const hung = seen(await env.config.test('silent', { timeoutMs: 2000 }));
      expect(hung.ok).toBe(false);
      if (!hung.ok) {
        expect(['timeout', 'unreachable']).toContain(hung.kind);
        expect(hung.reason).toMatch(/did not answer|could not be reached/);
      }
    } finally {
      const closed = new Promise<void>((resolve) => silent.close(() => resolve()));
      await closed;
    }
    // Not the silent server's freed port: with test files running side by side another test's
    // server may take it. Port 1 (tcpmux) has nobody listening on a test machine.
    await env.config.create('closed', 'webdav', { url: 'http://127.0.0.1:1/' });
    const refused = seen(await env.config.test('closed', { timeoutMs: 10_000 }));
    expect(refused).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('works with an encrypted config: asks for the password, refuses a wrong one, keeps it in memory', async () => {
    await env.config.create('dav', 'webdav', { url: dav.url, user: 'alice', pass: DAV_PASS });
    await encryptConfig(env.configPath, CONFIG_PASS);
    expect(await env.config.isEncrypted()).toBe(true);
    expect((await seenError(env.config.list())).kind).toBe('password-required');
    expect((await seenError(env.config.unlock('wrong-password-1'))).kind).toBe('wrong-password');
    await env.config.unlock(CONFIG_PASS);
    expect(seen(await env.config.list()).map((r) => r.name)).toEqual(['dav']);
    await env.config.create('dav2', 'webdav', { url: dav.url, user: 'alice', pass: DAV_PASS });
    expect(seen(await env.config.test('dav2')).ok).toBe(true);
    const text = await readFile(env.configPath, 'utf8');
    expect(text).toContain('RCLONE_ENCRYPT_V0:');
    expect(text).not.toContain('dav2');
    expect((await stat(env.configPath)).mode & 0o777).toBe(0o600);
    // The password was only ever in the child's environment, never in our arguments.
    expect(rcloneChild(env.runner.setup(), { args: [] }).args.join(' ')).not.toContain(CONFIG_PASS);
  });

  it('never shows a password it was given in any output', () => {
    const all = outputs.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    // (s3rver's fixed secret equals its public key id, so it cannot be grepped for here.)
    for (const secret of [DAV_PASS, SFTP_PASS, CONFIG_PASS, 'not-the-password']) expect(all).not.toContain(secret);
  });
});

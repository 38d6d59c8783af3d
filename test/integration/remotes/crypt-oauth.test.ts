// The crypt wizard over a real WebDAV server, and the OAuth sign-in with a stand-in for
// `rclone authorize` that prints exactly what rclone 1.60 prints.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCryptRemote } from '../../../electron/core/remotes/crypt.js';
import { RemoteError } from '../../../electron/core/remotes/errors.js';
import { completeConfig, startAuthorize, type AuthorizeSession } from '../../../electron/core/remotes/oauth.js';
import { makeRcloneEnv, type RcloneTestEnv } from '../../support/rclone-env.js';
import { startRcloneServe } from '../../support/remote-servers.js';
import { standInRunner } from '../../support/authorize-stand-in.js';

let env: RcloneTestEnv;
beforeEach(async () => {
  env = await makeRcloneEnv();
});
afterEach(async () => {
  await env.cleanup();
});

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    out.push(relative(dir, join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('crypt wizard', { timeout: 60_000 }, () => {
  it('wraps a WebDAV remote, round-trips a file and stores only encrypted names', async () => {
    const served = await mkdtemp(join(tmpdir(), 'reprise-crypt-served-'));
    const dav = await startRcloneServe('webdav', served, { user: 'u', pass: 'dav-pass-123456' });
    try {
      await env.config.create('dav', 'webdav', { url: dav.url, user: 'u', pass: 'dav-pass-123456' });
      const passwords = await createCryptRemote(env.config, { name: 'vault', target: 'dav:backup' });
      expect(passwords.password).toMatch(/^[A-Za-z0-9]{6}(-[A-Za-z0-9]{6}){5}$/);
      expect(passwords.salt).not.toBe(passwords.password);
      const conf = await readFile(env.configPath, 'utf8');
      expect(conf).not.toContain(passwords.password);
      expect(conf).not.toContain(passwords.salt);
      expect(await env.config.list()).toContainEqual({ name: 'vault', type: 'crypt', isCrypt: true, wraps: 'dav:backup' });

      const local = join(env.dir, 'Sigur Rós - Hoppípolla.flac');
      await writeFile(local, 'clear audio bytes');
      await env.runner.runOk(['copyto', local, 'vault:Music/Sigur Rós/Hoppípolla.flac']);
      const back = await env.runner.runOk(['cat', 'vault:Music/Sigur Rós/Hoppípolla.flac']);
      expect(back.stdout).toBe('clear audio bytes');

      const stored = await walk(join(served, 'backup'));
      expect(stored.length).toBe(3); // two folders and one file, all with encrypted names
      for (const name of stored) {
        expect(name).not.toMatch(/Music|Sigur|Hopp|flac/);
      }
      const storedFile = stored.at(-1)!;
      expect(await readFile(join(served, 'backup', storedFile), 'utf8')).not.toContain('clear audio');
    } finally {
      await dav.stop();
      await rm(served, { recursive: true, force: true });
    }
  });

  it('takes the user’s passwords, refuses weak ones and unknown targets', async () => {
    await env.config.create('local', 'local', {});
    const weak = await createCryptRemote(env.config, { name: 'v', target: 'local:/tmp/x', password: 'short' }).catch((e: unknown) => e);
    expect(weak).toBeInstanceOf(RemoteError);
    expect((weak as RemoteError).message).toMatch(/12 characters/);
    const missing = await createCryptRemote(env.config, { name: 'v', target: 'nope:x' }).catch((e: unknown) => e);
    expect((missing as RemoteError).kind).toBe('not-found');
    const own = await createCryptRemote(env.config, { name: 'v', target: 'local:' + env.dir, password: 'correct horse battery', salt: 'staple staple staple' });
    expect(own).toEqual({ password: 'correct horse battery', salt: 'staple staple staple' });
  });
});

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('OAuth sign-in', { timeout: 60_000 }, () => {
  const TOKEN = '{"access_token":"ya29.a0AfH6SMBx-fake","token_type":"Bearer","refresh_token":"1//0gFAKE-refresh","expiry":"2030-01-01T00:00:00Z"}';

  it('shows the link, receives the token and completes a Drive remote through rclone’s state machine', async () => {
    const fake = await standInRunner(env.dir, TOKEN, env.runner);
    const first = await env.config.create('gdrive', 'drive', { scope: 'drive.readonly' });
    expect(first.kind).toBe('question');
    let session: AuthorizeSession | undefined;
    const visited: string[] = [];
    await completeConfig(env.config, 'gdrive', 'drive', first, {
      authorize: (type) => startAuthorize(fake, type),
      onAuthorize: (s) => {
        session = s;
        // The "browser": open the link as the user would.
        void s.link.then(async (link) => {
          visited.push(link);
          await fetch(link);
        });
      },
    });
    expect(visited[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?state=TqIMaWJ7L671HXPWq0We2Q$/);
    expect(await session!.token).toBe(TOKEN);
    const conf = await readFile(env.configPath, 'utf8');
    expect(conf).toContain('type = drive');
    expect(conf).toContain('"refresh_token":"1//0gFAKE-refresh"');
    const detail = await env.config.get('gdrive');
    expect(JSON.stringify(detail)).not.toContain('ya29');
    expect(JSON.stringify(detail)).not.toContain('1//0gFAKE');
    expect(env.redactor.text(`token was ${TOKEN}`)).not.toContain('ya29');
  });

  it('cancelling the sign-in leaves nothing running', async () => {
    const fake = await standInRunner(env.dir, TOKEN, env.runner);
    const session = startAuthorize(fake, 'dropbox');
    const link = await session.link;
    expect(link).toContain('/auth?state=');
    expect(isAlive(session.pid)).toBe(true);
    await session.cancel();
    expect(isAlive(session.pid)).toBe(false);
    const error = await session.token.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).kind).toBe('cancelled');
    // The port the child listened on is free again.
    await expect(fetch(link)).rejects.toThrow();
  });

  it('real rclone authorize prints a link we can read, and cancel stops it', async () => {
    const session = startAuthorize(env.runner, 'drive');
    const link = await session.link;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:53682\/auth\?state=/);
    await session.cancel();
    expect(isAlive(session.pid)).toBe(false);
  });
});

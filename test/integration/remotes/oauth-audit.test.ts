// An OAuth remote is saved only when its browser sign-in ends, in the background. The audit log
// records that end like every other config change: signed in ("remote add (OAuth sign-in)", ok),
// or cancelled; a later change of the remote's options is a "remote update". A stand-in for
// `rclone authorize` (no Google here) prints what rclone 1.60 prints; everything else is real rclone.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../electron/core/core.js';
import type { AuthorizeUpdate } from '../../../shared/remotes/types.js';
import { startAuthorize } from '../../../electron/core/remotes/oauth.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { AUTHORIZE_STAND_IN } from '../../support/authorize-stand-in.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const TOKEN = '{"access_token":"ya29.audit-fake","token_type":"Bearer","refresh_token":"1//0gAUDIT-refresh","expiry":"2030-01-01T00:00:00Z"}';
let core: Core;
let config: string;
let visitLinks = false;
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  const root = tempDir();
  const standIn = join(root, 'authorize-stand-in.cjs');
  writeFileSync(standIn, AUTHORIZE_STAND_IN);
  const wrapper = join(root, 'rclone-with-stand-in');
  writeFileSync(wrapper, `#!/bin/sh\nfor a in "$@"; do [ "$a" = authorize ] && exec "${process.execPath}" "${standIn}"; done\nexec rclone "$@"\n`);
  chmodSync(wrapper, 0o755);
  for (const k of ['REPRISE_RCLONE', 'FAKE_TOKEN']) saved[k] = process.env[k];
  process.env.REPRISE_RCLONE = wrapper;
  process.env.FAKE_TOKEN = TOKEN;
  config = join(root, 'rclone.conf');
  writeFileSync(config, '');
  core = createCore({
    dataDir: join(root, 'data'),
    host: 'serve',
    rcloneConfig: config,
    // The real sign-in child (the stand-in behind the wrapper); in the update test a "browser" visits its link.
    remotes: {
      authorize: (runner, type) => {
        const session = startAuthorize(runner, type);
        if (visitLinks) void session.link.then((link) => fetch(link));
        return session;
      },
    },
  });
});
afterAll(async () => {
  await core?.close();
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  cleanupTempDirs();
});

const audit = async () => {
  const r = await core.handlers['audit:list']({ limit: 10 });
  return r.ok ? r.value : [];
};

/** The next sign-in update of a session in one of these states. */
function nextUpdate(states: readonly AuthorizeUpdate['state'][]): Promise<AuthorizeUpdate> {
  return new Promise((resolve) => {
    const off = core.events.on('remotes:authorize', (u) => {
      if (!states.includes(u.state)) return;
      off();
      resolve(u);
    });
  });
}

describe('OAuth remotes in the audit log', { timeout: 60_000 }, () => {
  it('a finished sign-in is logged as the remote being added; nothing is logged while it waits', async () => {
    const waiting = nextUpdate(['waiting']);
    const added = await core.handlers['remotes:add']({ name: 'gdrive', type: 'drive', options: { scope: 'drive.readonly' } });
    expect(added.ok && added.value.status).toBe('authorize');
    const { link } = await waiting;
    expect((await audit()).filter((e) => e.operation.startsWith('remote add'))).toEqual([]);
    const done = nextUpdate(['done', 'failed']);
    await fetch(link!);
    expect((await done).state).toBe('done');
    expect(readFileSync(config, 'utf8')).toContain('[gdrive]');
    const [entry] = await audit();
    expect(entry).toMatchObject({ operation: 'remote add (OAuth sign-in)', destination: 'gdrive', result: 'ok', actor: 'serve' });
    expect(entry!.detail).toContain('type drive');
    expect(entry!.detail).toContain('signed in through the browser');
    // The token never reaches the log.
    expect(JSON.stringify(await audit())).not.toContain('ya29');
  });

  it('a cancelled sign-in is logged as cancelled', async () => {
    const waiting = nextUpdate(['waiting']);
    const added = await core.handlers['remotes:add']({ name: 'dropped', type: 'dropbox', options: {} });
    const sessionId = added.ok && added.value.status === 'authorize' ? added.value.sessionId : '';
    await waiting;
    const ended = nextUpdate(['cancelled', 'failed', 'done']);
    await core.handlers['ops:cancel']({ id: sessionId });
    expect((await ended).state).toBe('cancelled');
    await expect.poll(async () => (await audit())[0]?.operation).toBe('remote add (OAuth sign-in)');
    expect((await audit())[0]).toMatchObject({ destination: 'dropped', result: 'cancelled' });
  });

  it('changing the OAuth remote afterwards keeps its token (no sign-in nobody would see) and is a "remote update"', async () => {
    // No "browser" visits a link now: a sign-in started by the update would hang until the timeout.
    visitLinks = false;
    const before = readFileSync(config, 'utf8');
    const token = /^token = (.*)$/m.exec(before)?.[1];
    expect(token).toContain('1//0gAUDIT-refresh');
    const r = await core.handlers['remotes:update']({ name: 'gdrive', options: { root_folder_id: 'music-folder-1' } });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const after = readFileSync(config, 'utf8');
    expect(after).toContain('root_folder_id = music-folder-1\n');
    expect(/^token = (.*)$/m.exec(after)?.[1]).toBe(token);
    expect((await audit())[0]).toMatchObject({ operation: 'remote update', destination: 'gdrive', result: 'ok', detail: 'options root_folder_id' });
  });

  it('refuses to change what the token was issued for, and says what to do', async () => {
    const r = await dispatch(core.handlers, 'remotes:update', { name: 'gdrive', options: { scope: 'drive' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('"gdrive" is signed in with a token for its current scope; changing it needs a new sign-in. Remove the remote and add it again with the new value.');
    expect(readFileSync(config, 'utf8')).toContain('scope = drive.readonly\n');
  });
});

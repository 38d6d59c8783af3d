// The remotes area through the core's contract (dispatch, schemas, error kinds), as every
// transport sees it: choosing the config file in settings, bad input, conflicts.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let core: Core;
let root: string;
const saved = { RCLONE_CONFIG: process.env.RCLONE_CONFIG, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };

beforeEach(() => {
  root = tempDir();
  // rclone's "default" config is then inside the temp dir, never the real ~/.config/rclone.
  delete process.env.RCLONE_CONFIG;
  process.env.XDG_CONFIG_HOME = join(root, 'xdg');
  core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
});
afterEach(async () => {
  await core.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  cleanupTempDirs();
});

const call = (name: string, req: unknown) => dispatch(core.handlers, name, req);

describe('remotes through the contract', { timeout: 60_000 }, () => {
  it('chooses the rclone config in settings, then uses it', async () => {
    const before = await call('remotes:config', {});
    expect(before).toMatchObject({ ok: true, value: { source: 'default', encrypted: false, path: join(root, 'xdg', 'rclone', 'rclone.conf') } });
    const file = join(root, 'my rclone.conf');
    expect(await call('remotes:use-config', { path: 'relative.conf' })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await call('remotes:use-config', { path: file })).toMatchObject({ ok: true, value: { path: file, source: 'settings', locked: false } });
    expect(await call('remotes:add', { name: 'disk', type: 'local', options: {} })).toMatchObject({ ok: true, value: { status: 'done', remote: { name: 'disk', type: 'local' } } });
    expect(await call('remotes:list', {})).toEqual({ ok: true, value: [{ name: 'disk', type: 'local', isCrypt: false }] });
    // A fresh core on the same data dir keeps the choice.
    await core.close();
    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    expect(await call('remotes:config', {})).toMatchObject({ ok: true, value: { path: file, source: 'settings' } });
    expect(await call('remotes:use-config', { path: null })).toMatchObject({ ok: true, value: { source: 'default' } });
  });

  it('refuses bad input with the contract’s error kinds', async () => {
    await call('remotes:use-config', { path: join(root, 'r.conf') });
    expect(await call('remotes:add', { name: '-x', type: 'local', options: {} })).toMatchObject({ ok: false, error: { kind: 'invalid-request', message: expect.stringContaining('cannot start with a dash') } });
    expect(await call('remotes:add', { name: 'x', type: 'local', options: { '--config': 'y' } })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await call('remotes:get', { name: 'nope' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    await call('remotes:add', { name: 'disk', type: 'local', options: {} });
    expect(await call('remotes:add', { name: 'disk', type: 'local', options: {} })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(await call('browse:list', { remote: 'disk', path: join(root, 'missing') })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await call('mounts:mount', { fs: 'no-colon' })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await call('remotes:crypt', { name: 'c', target: 'disk:/tmp', password: 'short', salt: 'short' })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
  });
});

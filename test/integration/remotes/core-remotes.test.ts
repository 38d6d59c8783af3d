// The remotes area through the core's contract (dispatch, schemas, error kinds), as every
// transport sees it: choosing the config file in settings, bad input, conflicts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { SECRET_MASK } from '../../../electron/core/redact.js';

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

  it('hides a password typed into a remote from failures, the audit log, history and run logs', async () => {
    const secret = 'Sw0rdfish-9731';
    await call('remotes:use-config', { path: join(root, 'r.conf') });
    expect(await call('remotes:add', { name: 'dav', type: 'webdav', options: { url: 'http://127.0.0.1:9/', pass: secret } })).toMatchObject({ ok: true });
    // A failure whose text carries the secret (here a path a person named after it).
    const listed = await call('files:list', { target: join(root, `${secret}-gone`) });
    expect(listed).toMatchObject({ ok: false, error: { kind: 'not-found', message: expect.stringContaining(SECRET_MASK) } });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await call('files:mkdir', { target: join(root, `${secret}-made`), force: false, dryRun: false })).toMatchObject({ ok: true });
    const audit = await call('audit:list', { operation: 'files' });
    expect(JSON.stringify(audit)).toContain(SECRET_MASK);
    expect(JSON.stringify(audit)).not.toContain(secret);
    // A run whose destination cannot be made (under a file): rclone's error names it, in history and in the run's log.
    const music = join(root, 'music');
    mkdirSync(music);
    writeFileSync(join(music, 'a.txt'), 'a');
    writeFileSync(join(root, `${secret}-file`), 'not a folder');
    expect(await call('jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, `${secret}-file`, 'backup') }] })).toMatchObject({ ok: true });
    const started = (await call('runs:start', { name: 'Music', dryRun: false, trigger: 'manual' })) as { ok: true; value: { runId: number } };
    const run = await call('runs:wait', { runId: started.value.runId, timeoutMs: 30_000 });
    expect(run).toMatchObject({ ok: true, value: { outcome: 'failed' } });
    const log = await call('runs:log', { runId: started.value.runId });
    expect(log).toMatchObject({ ok: true, value: { available: true } });
    // What rclone and the run said (the job's own target is the job's setting, shown as typed).
    const history = (await call('runs:history', {})) as { ok: true; value: { firstError: string | null; destinations?: { firstError: string | null }[] }[] };
    const said = [
      (log as { ok: true; value: { text: string } }).value.text,
      ...[(run as { ok: true; value: (typeof history.value)[number] }).value, ...history.value].flatMap((r) => [r.firstError, ...(r.destinations ?? []).map((d) => d.firstError)]),
    ];
    for (const text of said) {
      expect(text).toContain(SECRET_MASK);
      expect(text).not.toContain(secret);
    }
  });
});

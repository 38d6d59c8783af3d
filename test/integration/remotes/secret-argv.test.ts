// No secret on a command line: every rclone Reprise starts goes through a wrapper (the tool-path
// seam, and first on PATH) that records its arguments; after adding and editing remotes with
// passwords — by the CLI, the crypt wizard and an encrypted config — no password, nor the
// obscured form stored in the config (which `rclone reveal` turns back into the password),
// appears in any of them.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { reprise } from '../../support/cli.js';
import { encryptConfig } from '../../support/encrypt-config.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const PASS = 'dav-Pässword-secret-41';
const NEW_PASS = 'changed-Secret-77-ø';
const CRYPT_PASS = 'crypt-Password-Üx-5531';
const CRYPT_SALT = 'crypt-Salt-Ωmega-9021';
const CONFIG_PASS = 'config-lock-Secret-314';
let root: string;
let record: string;
let env: NodeJS.ProcessEnv;
let config: string;

beforeAll(() => {
  root = tempDir('reprise-argv-');
  const bin = join(root, 'bin');
  mkdirSync(bin);
  record = join(root, 'argv.log');
  writeFileSync(record, '');
  const realRclone = execFileSync('sh', ['-c', 'command -v rclone'], { encoding: 'utf8' }).trim();
  const wrapper = join(bin, 'rclone');
  // One line per start: the arguments, NUL-separated; then the real rclone under the same pid.
  writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\0' "$@" >> '${record}'\nprintf '\\n' >> '${record}'\nexec '${realRclone}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  config = join(root, 'rclone.conf');
  env = { REPRISE_RCLONE: wrapper, PATH: `${bin}:${process.env.PATH}`, HOME: join(root, 'home') };
});
afterAll(cleanupTempDirs);

const cli = (args: string[], input?: string, extra: NodeJS.ProcessEnv = {}) => reprise(join(root, 'data'), ['--rclone-config', config, ...args], { ...env, ...extra }, input);

// Every value the config stores for a secret key (obscured passwords).
function storedSecrets(): string[] {
  const text = execFileSync('rclone', ['--config', config, 'config', 'dump'], { encoding: 'utf8', env: { ...process.env, RCLONE_CONFIG_PASS: CONFIG_PASS } });
  const dump = JSON.parse(text) as Record<string, Record<string, string>>;
  return Object.values(dump).flatMap((o) => ['pass', 'password', 'password2'].map((k) => o[k]).filter((v): v is string => Boolean(v)));
}

describe('secrets never on rclone\'s command line', () => {
  it('remote add, remote edit and the crypt wizard pass no secret, plain or obscured, in argv', async () => {
    const add = await cli(['remote', 'add', 'nas', 'webdav', 'url=http://127.0.0.1:9/', 'user=bob', 'pass=-', 'vendor=other'], `${PASS}\n`);
    expect(add.exitCode, add.stderr).toBe(0);
    const before = storedSecrets();
    const edit = await cli(['remote', 'edit', 'nas', `pass=${NEW_PASS}`]);
    expect(edit.exitCode, edit.stderr).toBe(0);
    expect(edit.stdout).toContain('Changed remote "nas" (webdav)');

    // The crypt wizard, through the contract command the window uses.
    const core = createCore({ dataDir: join(root, 'data'), host: 'cli', rcloneConfig: config, tools: { rclone: env.REPRISE_RCLONE!, rsync: 'rsync' } });
    try {
      const r = await dispatch(core.handlers, 'remotes:crypt', { name: 'secret', target: 'nas:music', password: CRYPT_PASS, salt: CRYPT_SALT });
      expect(r.ok, JSON.stringify(r)).toBe(true);
    } finally {
      await core.close();
    }

    // An encrypted config keeps working (and its password stays off the command line too).
    await encryptConfig(config, CONFIG_PASS);
    const locked = await cli(['remote', 'edit', 'nas', 'user=carol'], undefined, { RCLONE_CONFIG_PASS: CONFIG_PASS });
    expect(locked.exitCode, locked.stderr).toBe(0);
    expect(readFileSync(config, 'utf8')).toContain('RCLONE_ENCRYPT_V0:');

    const secrets = [PASS, NEW_PASS, CRYPT_PASS, CRYPT_SALT, CONFIG_PASS, ...before, ...storedSecrets()];
    expect(storedSecrets().length).toBe(3);
    const starts = readFileSync(record, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\0').filter(Boolean));
    // Config writes really happened through rclone (an rcd per write), and were recorded.
    expect(starts.some((a) => a.includes('rcd'))).toBe(true);
    expect(starts.length).toBeGreaterThan(5);
    const argv = starts.map((a) => a.join(' ')).join('\n');
    for (const s of secrets) expect(argv, `found ${s}`).not.toContain(s);
    expect(argv).not.toMatch(/\bconfig (create|update)\b/);
    // Five CLI processes and an rcd per config write: slow on a busy machine, not stuck.
  }, 150_000);
});

// Remote settings are checked against the installed rclone's providers before they are saved.
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RcloneProvider } from '../../../shared/remotes/provider-types.js';
import { checkRemoteOptions, closest } from '../../../shared/remotes/option-check.js';

let providers: RcloneProvider[];
beforeAll(() => {
  providers = JSON.parse(execFileSync('rclone', ['config', 'providers'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as RcloneProvider[];
});

describe('checkRemoteOptions', () => {
  it('accepts good settings, by type name or prefix', () => {
    expect(checkRemoteOptions(providers, 'webdav', { url: 'https://nas.local/dav', vendor: 'other', user: 'me' }, true)).toEqual([]);
    expect(checkRemoteOptions(providers, 'gcs', { bucket_policy_only: 'true' }, true)).toEqual([]);
    expect(checkRemoteOptions(providers, 'local', {}, true)).toEqual([]);
  });

  it('refuses an unknown type with the likely one', () => {
    const [p] = checkRemoteOptions(providers, 'webdva', { url: 'https://x' }, true);
    expect(p!.message).toBe('This rclone has no storage type "webdva". Did you mean "webdav"?');
    expect(p!.hint).toContain('sftp');
  });

  it('refuses an unknown setting and names the settings there are', () => {
    const [p] = checkRemoteOptions(providers, 'webdav', { url: 'https://x', usr: 'me' }, true);
    expect(p!.message).toBe('"usr" is not a setting of webdav remotes. Did you mean "user"?');
    expect(p!.hint).toMatch(/^Its settings: url, vendor, user, pass/);
  });

  it('refuses a web address without its scheme, and values of the wrong kind', () => {
    expect(checkRemoteOptions(providers, 'webdav', { url: 'nas.local:8080' }, true).map((p) => p.message)).toEqual(['The setting "url" must be a web address starting with http:// or https://, e.g. "https://nas.local:8080".']);
    expect(checkRemoteOptions(providers, 'http', { url: 'ftp://x', no_slash: 'maybe' }, true).map((p) => p.message)).toEqual([
      'The setting "url" must be a web address starting with http:// or https://, e.g. "https://x".',
      'The setting "no_slash" must be true or false.',
    ]);
    expect(checkRemoteOptions(providers, 'sftp', { host: 'h', port: 'twenty-two' }, true).map((p) => p.message)).toEqual(['The setting "port" must be a whole number.']);
  });

  it('wants the required settings when a remote is made, not when it is edited', () => {
    expect(checkRemoteOptions(providers, 'sftp', { user: 'me' }, true).map((p) => p.message)).toEqual(['Remotes of type sftp need the setting "host" (SSH host to connect to).']);
    expect(checkRemoteOptions(providers, 'sftp', { user: 'me' }, false)).toEqual([]);
  });
});

describe('closest', () => {
  it('suggests only near words', () => {
    expect(closest('hots', ['host', 'user', 'port'])).toBe('host');
    expect(closest('zzzzzz', ['host', 'user'])).toBeNull();
  });
});

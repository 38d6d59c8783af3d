import { describe, expect, it } from 'vitest';
import { assertOption, remoteNameProblem, remotePath } from '../../../electron/core/remotes/names.js';
import { RemoteError } from '../../../electron/core/remotes/errors.js';
import { errorFromStderr } from '../../../electron/core/remotes/rclone-runner.js';
import { Redactor } from '../../../electron/core/redact.js';

describe('remote names', () => {
  it.each(['b2', 'Music B2', 'nas.local', 'Sigur Rós', 'a_b-c+d@e'])('accepts %s', (name) => {
    expect(remoteNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['', /Give the remote a name/],
    [' lead', /start or end with a space/],
    ['trail ', /start or end with a space/],
    ['a:b', /colon/],
    ['-rf', /dash/],
    ['--config', /dash/],
    ['semi;colon', /letters, digits/],
    ['x'.repeat(101), /at most/],
  ])('refuses %j with a clear reason', (name, reason) => {
    expect(remoteNameProblem(name)).toMatch(reason);
    expect(() => remotePath(name, 'x')).toThrow(RemoteError);
  });
  it('refuses option keys and values rclone would misread', () => {
    expect(() => assertOption('url', 'http://x')).not.toThrow();
    expect(() => assertOption('--config', 'x')).toThrow(/not a valid option name/);
    expect(() => assertOption('pass', 'a\nb')).toThrow(/line break/);
  });
});

describe('errorFromStderr', () => {
  it('tells a wrong config password from a missing one', () => {
    const wrong = "ERROR : Couldn't decrypt configuration, most likely wrong password.\nFailed to load config file: unable to decrypt configuration and not allowed to ask for password - set RCLONE_CONFIG_PASS";
    expect(errorFromStderr(wrong, 1).kind).toBe('wrong-password');
    expect(errorFromStderr('Failed to load config file "x": unable to decrypt configuration and not allowed to ask for password', 1).kind).toBe('password-required');
  });
  it('maps network and auth failures to plain reasons', () => {
    expect(errorFromStderr('Failed to lsjson: error listing: dial tcp 127.0.0.1:9: connect: connection refused', 3).kind).toBe('unreachable');
    expect(errorFromStderr('error listing: 401 Unauthorized', 1).kind).toBe('auth-failed');
  });
});

describe('isAuthorizeLink', () => {
  it('accepts only rclone’s loopback sign-in link', async () => {
    const { isAuthorizeLink } = await import('../../../shared/remotes/auth-link.js');
    expect(isAuthorizeLink('http://127.0.0.1:53682/auth?state=TqIMaWJ7L671HXPWq0We2Q')).toBe(true);
    expect(isAuthorizeLink('http://127.0.0.1:53682/auth?state=x&next=http://evil')).toBe(false);
    expect(isAuthorizeLink('http://evil.example/auth?state=x')).toBe(false);
    expect(isAuthorizeLink('http://127.0.0.1:53682/other')).toBe(false);
  });
});

describe('rclone children', () => {
  it('get the chosen config, no prompt, and the config password only in their scrubbed environment', async () => {
    const { RcloneRunner } = await import('../../../electron/core/remotes/rclone-runner.js');
    const { ChildRunner, childEnv } = await import('../../../electron/core/process/child.js');
    const { rcloneChild } = await import('../../../electron/core/rclone/rclone-env.js');
    const setup = { bin: 'rclone', configFile: '/tmp/x.conf', configPassword: 'from-env-secret', dropEnv: ['AWS_CA_BUNDLE'], children: new ChildRunner() };
    const child = rcloneChild(setup, { args: ['lsd', 'nas:'] });
    expect(child.args).toEqual(['--config', '/tmp/x.conf', '--ask-password=false', 'lsd', 'nas:']);
    const inherited = { PATH: '/usr/bin', RCLONE_CONFIG_PASS: 'inherited', RCLONE_PASSWORD_COMMAND: 'cat /etc/shadow', RCLONE_CONFIG: '/other.conf', AWS_CA_BUNDLE: '/x' };
    expect(childEnv(child.env, child.dropEnv, inherited)).toEqual({ PATH: '/usr/bin', RCLONE_CONFIG_PASS: 'from-env-secret' });
    // Any other child (rsync, getfattr) gets no config password at all.
    expect(childEnv({ LC_ALL: 'C' }, [], inherited)).toEqual({ PATH: '/usr/bin', AWS_CA_BUNDLE: '/x', LC_ALL: 'C' });
    const redactor = new Redactor();
    const runner = new RcloneRunner({ setup, configPath: '/tmp/y.conf', redactor });
    expect(runner.hasConfigPassword()).toBe(true);
    expect(rcloneChild(runner.setup(), { args: [] }).args).toEqual(['--config', '/tmp/y.conf', '--ask-password=false']);
    expect(redactor.text('pw=from-env-secret')).toBe('pw=••••••');
  });
});

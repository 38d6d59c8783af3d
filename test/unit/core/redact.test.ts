// The one redactor of a core: what it hides in text, in data and in every failure a handler gives.
import { describe, expect, it } from 'vitest';
import { Redactor, SECRET_MASK, isSecretKey } from '../../../electron/core/redact.js';
import { RepriseError, fail, ok, raise } from '../../../shared/result.js';

describe('Redactor', () => {
  it('scrubs registered secrets from text, JSON-escaped forms and token parts', () => {
    const r = new Redactor();
    r.add('hunter2-"quoted"');
    r.add('{"access_token":"ya29.AAAA","refresh_token":"1//BBBB","token_type":"Bearer"}');
    const out = r.text('failed with hunter2-"quoted" and {"x":"hunter2-\\"quoted\\""} then ya29.AAAA and 1//BBBB');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('ya29.AAAA');
    expect(out).not.toContain('1//BBBB');
    expect(out).toContain(SECRET_MASK);
  });

  it('hides a secret in an rclone JSON log line and in its URL-encoded form', () => {
    const r = new Redactor();
    r.add('p@ss w0rd/x');
    const line = '{"level":"error","msg":"Failed to copy: PUT https://nas.local/dav/p%40ss%20w0rd%2Fx: 401 (pass \\"p@ss w0rd/x\\")","object":"a.txt"}';
    expect(r.text(line)).not.toMatch(/p@ss|p%40ss/);
  });

  it('hides the password written into a URL even when nobody registered it', () => {
    const r = new Redactor();
    const line = 'Failed to create file system for "webdav": Get "https://alice:s3cr3t-pw@nas.local:5005/dav/": dial tcp: connection refused';
    const out = r.text(line);
    expect(out).not.toContain('s3cr3t-pw');
    expect(out).toContain(`https://alice:${SECRET_MASK}@nas.local:5005/dav/`);
    expect(r.text('no url here, just a path a:b@c')).toBe('no url here, just a path a:b@c');
  });

  it('removes an overlapping secret whole (longest first) and forgets a deleted one', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    expect(r.text('x abcdefgh y')).toBe(`x ${SECRET_MASK} y`);
    r.delete('abcdefgh');
    expect(r.text('x abcdefgh y')).toBe(`x ${SECRET_MASK}efgh y`);
  });

  it('ignores secrets too short to hide without hiding ordinary words', () => {
    const r = new Redactor();
    r.add('abc');
    r.add('');
    r.add(undefined);
    expect(r.text('abc')).toBe('abc');
  });

  it('keeps the secrets of one core away from another (no module state)', () => {
    const a = new Redactor();
    const b = new Redactor();
    a.add('only-in-a');
    expect(a.text('only-in-a')).toBe(SECRET_MASK);
    expect(b.text('only-in-a')).toBe('only-in-a');
  });

  it('masks secret-named keys in objects even when the value was never registered', () => {
    const r = new Redactor();
    const out = r.value({ name: 'b2', options: { account: 'id', key: 'K001abcdef', env_auth: 'false' }, list: [{ pass: 'zzzzzz' }] });
    expect(out).toEqual({ name: 'b2', options: { account: 'id', key: SECRET_MASK, env_auth: 'false' }, list: [{ pass: SECRET_MASK }] });
  });

  it('knows which option names are secrets', () => {
    for (const k of ['pass', 'password', 'password2', 'secret_access_key', 'client_secret', 'token', 'key', 'key_file_pass', 'sas_url']) expect(isSecretKey(k)).toBe(true);
    for (const k of ['user', 'url', 'access_key_id', 'env_auth', 'key_file', 'provider']) expect(isSecretKey(k)).toBe(false);
  });

  it('scrubs every failure a wrapped handler returns or throws, and leaves successes alone', async () => {
    const r = new Redactor();
    r.add('topsecret-1');
    class Custom extends Error {}
    const handlers = r.handlers({
      good: async () => ok('topsecret-1 stays in a value the handler chose to give'),
      returned: async () => fail('exit-code', 'nas:topsecret-1 cannot be listed', { detail: 'stderr: topsecret-1', hint: 'check topsecret-1' }),
      raised: async () => raise('exit-code', 'could not reach https://u:other-pw@host/ with topsecret-1'),
      crashed: async () => {
        throw new Custom('boom topsecret-1');
      },
    });
    expect(await handlers.good()).toEqual(ok('topsecret-1 stays in a value the handler chose to give'));
    const returned = await handlers.returned();
    expect(JSON.stringify(returned)).not.toContain('topsecret-1');
    expect(returned).toMatchObject({ ok: false, error: { kind: 'exit-code', message: `nas:${SECRET_MASK} cannot be listed` } });
    const raised = await handlers.raised().catch((e: unknown) => e);
    expect(raised).toBeInstanceOf(RepriseError);
    expect((raised as RepriseError).appError.message).toBe(`could not reach https://u:${SECRET_MASK}@host/ with ${SECRET_MASK}`);
    const crashed = await handlers.crashed().catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(Custom);
    expect((crashed as Error).message).toBe(`boom ${SECRET_MASK}`);
  });
});

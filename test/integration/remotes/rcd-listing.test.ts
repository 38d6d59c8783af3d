// The long-lived rcd client (random credentials, loopback only) and the streamed listing of a
// 50,000-entry folder.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RcdClient } from '../../../electron/core/remotes/rcd.js';
import { streamList } from '../../../electron/core/remotes/listing.js';
import { RemoteError } from '../../../electron/core/remotes/errors.js';
import { makeRcloneEnv, type RcloneTestEnv } from '../../support/rclone-env.js';
import { startRcloneServe, type TestServer } from '../../support/remote-servers.js';

const ENTRIES = 50_000;
let env: RcloneTestEnv;
let served: string;
let dav: TestServer;
let big: string;

beforeAll(async () => {
  env = await makeRcloneEnv();
  served = await mkdtemp(join(tmpdir(), 'reprise-rcd-served-'));
  await mkdir(join(served, 'Music', 'Motörhead'), { recursive: true });
  await writeFile(join(served, 'Music', 'Motörhead', 'Ace of Spades.flac'), Buffer.alloc(1000, 1));
  await writeFile(join(served, 'Music', 'cover.jpg'), Buffer.alloc(234, 2));
  dav = await startRcloneServe('webdav', served, { user: 'u', pass: 'rcd-dav-pass-9' });
  await env.config.create('dav', 'webdav', { url: dav.url, user: 'u', pass: 'rcd-dav-pass-9' });
  big = join(env.dir, 'big');
  await mkdir(big);
  const writes: Promise<void>[] = [];
  for (let i = 0; i < ENTRIES; i += 1) {
    writes.push(writeFile(join(big, `track-${String(i).padStart(5, '0')}.flac`), ''));
    if (writes.length >= 500) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  await env.config.create('disk', 'local', {});
}, 120_000);

afterAll(async () => {
  await dav?.stop();
  await rm(served, { recursive: true, force: true });
  await env?.cleanup();
});

describe('rcd client', { timeout: 60_000 }, () => {
  it('listens on loopback with random credentials and answers list, size, about', async () => {
    const rcd = new RcdClient(env.runner);
    try {
      const address = await rcd.start();
      expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      // Without credentials the server refuses.
      const anonymous = await fetch(new URL('operations/list', address), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(anonymous.status).toBe(401);

      const list = await rcd.list('dav:', 'Music');
      expect(list.map((e) => [e.Name, e.IsDir]).sort()).toEqual([['Motörhead', true], ['cover.jpg', false]]);
      expect(await rcd.size('dav:Music')).toMatchObject({ count: 2, bytes: 1234 });
      const about = await rcd.about('disk:' + env.dir);
      expect(about.total).toBeGreaterThan(0);
      const missing = await rcd.list('dav:', 'Nope').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(RemoteError);
      expect((missing as RemoteError).kind).toBe('not-found');
      expect(String((missing as Error).message)).not.toContain('rcd-dav-pass-9');
    } finally {
      await rcd.close();
    }
    const pid = rcd.pid;
    expect(pid).toBeUndefined();
  });

  it('close() stops the rcd child', async () => {
    const rcd = new RcdClient(env.runner);
    const address = await rcd.start();
    const pid = rcd.pid!;
    await rcd.close();
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(fetch(address)).rejects.toThrow();
  });
});

describe('streamed listing', { timeout: 120_000 }, () => {
  it(`lists a ${ENTRIES}-entry folder in batches, every entry once`, async () => {
    const batches: number[] = [];
    const names = new Set<string>();
    const total = await streamList(env.runner, `disk:${big}`, {
      batchSize: 5000,
      onBatch: (entries) => {
        batches.push(entries.length);
        for (const e of entries) names.add(e.name);
      },
    });
    expect(total).toBe(ENTRIES);
    expect(names.size).toBe(ENTRIES);
    expect(batches.length).toBe(ENTRIES / 5000);
    expect(names.has('track-49999.flac')).toBe(true);
  });

  it('streams a WebDAV folder and maps a missing folder to not-found', async () => {
    const seen: string[] = [];
    await streamList(env.runner, 'dav:Music', { onBatch: (entries) => seen.push(...entries.map((e) => `${e.name}${e.isDir ? '/' : ''}:${e.size}`)) });
    expect(seen.sort()).toEqual(['Motörhead/:-1', 'cover.jpg:234']);
    const error = await streamList(env.runner, 'dav:Nope', { onBatch: () => undefined }).catch((e: unknown) => e);
    expect((error as RemoteError).kind).toBe('not-found');
  });

  it('can be cancelled', async () => {
    const controller = new AbortController();
    const error = await streamList(env.runner, `disk:${big}`, { batchSize: 100, signal: controller.signal, onBatch: () => controller.abort() }).catch((e: unknown) => e);
    expect((error as RemoteError).kind).toBe('cancelled');
  });
});

// The service the hosts call: OAuth add in the background (and cancel), remove guarded by jobs,
// downloads with progress, and secrets kept out of every event it emits.
import { ChildRunner } from '../../../electron/core/process/child.js';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemotesService } from '../../../electron/core/remotes/remotes-service.js';
import { startAuthorize } from '../../../electron/core/remotes/oauth.js';
import { RemoteError } from '../../../electron/core/remotes/errors.js';
import type { AuthorizeUpdate, DownloadUpdate } from '../../../shared/remotes/types.js';
import { standInRunner } from '../../support/authorize-stand-in.js';
import { startRcloneServe, type TestServer } from '../../support/remote-servers.js';

const DAV_PASS = 'service-dav-pass-31';
const TOKEN = '{"access_token":"ya29.service-fake","token_type":"Bearer","refresh_token":"1//service-refresh","expiry":"2030-01-01T00:00:00Z"}';
let dir: string;
let served: string;
let dav: TestServer;
let service: RemotesService;
const events: unknown[] = [];
const authorize: AuthorizeUpdate[] = [];
const downloads: DownloadUpdate[] = [];
const waiters: (() => void)[] = [];
const changed = () => waiters.splice(0).forEach((w) => w());
function until(fact: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (fact() ? resolve() : waiters.push(check));
    check();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reprise-service-'));
  served = join(dir, 'served');
  await mkdir(join(served, 'Music', 'Album'), { recursive: true });
  await writeFile(join(served, 'Music', 'Album', '01.flac'), Buffer.alloc(300_000, 7));
  await writeFile(join(served, 'Music', 'Album', '02.flac'), Buffer.alloc(200_000, 8));
  dav = await startRcloneServe('webdav', served, { user: 'u', pass: DAV_PASS });
  const configPath = join(dir, 'rclone.conf');
  service = new RemotesService({
    rclone: { bin: 'rclone', configFile: null, children: new ChildRunner() },
    configPath,
    dataDir: join(dir, 'data'),
    home: join(dir, 'home'),
    jobsUsing: (remote) => (remote === 'dav' ? ['Music nightly'] : []),
    authorize: (runner, type) => {
      // The stand-in prints exactly what rclone prints; its runner is made on demand.
      const pending = standInRunner(dir, TOKEN, runner).then((r) => startAuthorize(r, type));
      return lazySession(pending);
    },
    onRemotesChanged: (r) => {
      events.push(r);
      changed();
    },
    onAuthorize: (u) => {
      events.push(u);
      authorize.push(u);
      changed();
    },
    onDownload: (d) => {
      events.push(d);
      downloads.push(d);
      changed();
    },
  });
});

afterAll(async () => {
  await service?.close();
  await dav?.stop();
  await rm(dir, { recursive: true, force: true });
});

// Wraps a session that is still being created so the service sees one synchronously.
function lazySession(pending: Promise<ReturnType<typeof startAuthorize>>): ReturnType<typeof startAuthorize> {
  return {
    link: pending.then((s) => s.link),
    token: pending.then((s) => s.token),
    pid: undefined,
    cancel: () => pending.then((s) => s.cancel()),
  };
}

describe('RemotesService', { timeout: 60_000 }, () => {
  it('adds a WebDAV remote and lists it', async () => {
    const out = await service.add('dav', 'webdav', { url: dav.url, user: 'u', pass: DAV_PASS });
    expect(out).toEqual({ status: 'done', remote: { name: 'dav', type: 'webdav', isCrypt: false } });
    expect((await service.configState()).locked).toBe(false);
    const model = await service.providers();
    expect(model.entries.length).toBeGreaterThan(40);
  });

  it('adds an OAuth remote through a browser sign-in in the background', async () => {
    const out = await service.add('gdrive', 'drive', {});
    expect(out.status).toBe('authorize');
    const sessionId = out.status === 'authorize' ? out.sessionId : '';
    await until(() => authorize.some((u) => u.sessionId === sessionId && u.state === 'waiting'));
    const link = authorize.find((u) => u.sessionId === sessionId && u.link)!.link!;
    await fetch(link); // the user's browser
    await until(() => authorize.some((u) => u.sessionId === sessionId && u.state === 'done'));
    expect((await service.list()).map((r) => r.name)).toContain('gdrive');
  });

  it('cancelling a sign-in removes the half-made remote and leaves nothing running', async () => {
    const out = await service.add('box1', 'box', {});
    const sessionId = out.status === 'authorize' ? out.sessionId : '';
    await until(() => authorize.some((u) => u.sessionId === sessionId && u.state === 'waiting'));
    const link = authorize.find((u) => u.sessionId === sessionId && u.link)!.link!;
    const from = events.length;
    expect(await service.cancelAuthorize(sessionId)).toEqual({ cancelled: true });
    await until(() => authorize.some((u) => u.sessionId === sessionId && u.state === 'cancelled'));
    await expect(fetch(link)).rejects.toThrow();
    // The clean-up after the cancel ends with a remotes-changed event without box1.
    await until(() => events.slice(from).some((e) => Array.isArray(e) && !e.some((r: { name: string }) => r.name === 'box1')));
    expect((await service.list()).map((r) => r.name)).not.toContain('box1');
  });

  it('browses, sizes and downloads a folder with progress', async () => {
    const listing = await service.browse('dav', 'Music/Album');
    expect(listing.entries.map((e) => e.name).sort()).toEqual(['01.flac', '02.flac']);
    expect(await service.size('dav', 'Music')).toEqual({ count: 2, bytes: 500_000 });
    const to = join(dir, 'downloads');
    await mkdir(to);
    const { id } = service.download('dav', 'Music/Album', true, to);
    await until(() => downloads.some((d) => d.id === id && d.state !== 'running'));
    const final = downloads.filter((d) => d.id === id).at(-1)!;
    expect(final).toMatchObject({ state: 'done', bytes: 500_000, totalBytes: 500_000, files: 2 });
    expect((await readFile(join(to, 'Album', '02.flac'))).length).toBe(200_000);
    const single = service.download('dav', 'Music/Album/01.flac', false, to);
    await until(() => downloads.some((d) => d.id === single.id && d.state !== 'running'));
    expect((await readFile(join(to, '01.flac'))).length).toBe(300_000);
    const missing = service.download('dav', 'Nope', true, to);
    await until(() => downloads.some((d) => d.id === missing.id && d.state !== 'running'));
    expect(downloads.filter((d) => d.id === missing.id).at(-1)).toMatchObject({ state: 'failed', message: expect.stringMatching(/does not exist|not found/i) });
  });

  it('refuses to remove a remote a job uses unless forced', async () => {
    const refused = await service.remove('dav').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RemoteError);
    expect((refused as RemoteError).kind).toBe('in-use');
    expect((refused as RemoteError).message).toContain('Music nightly');
    expect(await service.remove('dav', true)).toEqual({ removed: 'dav' });
  });

  it('never put a secret into an event', () => {
    const all = JSON.stringify(events);
    for (const secret of [DAV_PASS, 'ya29.service-fake', '1//service-refresh']) expect(all).not.toContain(secret);
  });
});

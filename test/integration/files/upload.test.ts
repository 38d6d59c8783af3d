// Uploads from the user's computer through `reprise serve`'s HTTP route, in process (a real core,
// the real HTTP server, real rclone): only an upload the contract opened takes bytes, only with the
// token, never more than it announced, never outside its folder; what arrived is copied to the
// destination and audited; a cancelled upload leaves nothing behind and is audited as cancelled;
// the desktop window's way (local paths) copies the same.
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { type WsServer, startWsServer } from '../../../electron/server/ws-server.js';
import { uploadStaging } from '../../../electron/core/files/upload-staging.js';
import { UPLOAD_PATH } from '../../../shared/channels.js';
import { waitFor } from '../../support/procs.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let root: string;
let core: Core;
let server: WsServer;

beforeAll(async () => {
  root = tempDir('reprise-upload-');
  mkdirSync(join(root, 'static'));
  writeFileSync(join(root, 'static', 'index.html'), '<html></html>');
  core = createCore({ dataDir: join(root, 'data'), host: 'serve' });
  server = await startWsServer({ handlers: core.handlers, events: core.events, staticDir: join(root, 'static'), uploads: core.uploads });
});
afterAll(async () => {
  await server?.close();
  await core?.close();
  cleanupTempDirs();
});

function put(id: string, path: string, body: Buffer | string, o: { token?: string | null; length?: number; mtime?: number } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const q = new URLSearchParams({ path, ...(o.mtime ? { mtime: String(o.mtime) } : {}) });
    const headers: Record<string, string | number> = { 'content-length': o.length ?? Buffer.byteLength(body) };
    const token = o.token === undefined ? server.token : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: `${UPLOAD_PATH}/${id}?${q.toString()}`, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += String(d)));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE' ? resolve({ status: 0, body: String(e) }) : reject(e)));
    req.end(body);
  });
}

const call = async (name: string, req: unknown) => dispatch(core.handlers, name as never, req as never) as Promise<{ ok: boolean; value?: any; error?: { kind: string; message: string } }>;
const audit = () => core.handlers['audit:list']({ limit: 5 }).then((r) => (r.ok ? r.value : []));
const uploadFolders = () => readdirSync('/tmp').filter((n) => n.startsWith(`reprise-${process.pid}-upload-`));

describe('uploads from the browser\'s computer', { timeout: 60_000 }, () => {
  it('takes the files of an opened upload with the token, copies them, audits, and cleans up', async () => {
    const to = join(root, 'to-1');
    const id = randomUUID();
    // Nothing arrives before the upload is opened, nor without the token.
    expect((await put(id, 'a.txt', 'alpha')).status).toBe(404);
    expect((await call('files:upload-start', { id, to, files: 3, bytes: 5 + 4 + 6 })).ok).toBe(true);
    expect((await put(id, 'a.txt', 'alpha', { token: null })).status).toBe(401);
    expect((await put(id, 'a.txt', 'alpha', { token: 'x'.repeat(32) })).status).toBe(401);
    // Outside its folder, or a second upload of the same id: refused.
    expect((await put(id, '../escape.txt', 'alpha')).status).toBe(400);
    expect((await put(id, '/etc/x', 'alpha')).status).toBe(400);
    expect((await call('files:upload-start', { id, to, files: 1, bytes: 1 })).error?.kind).toBe('conflict');

    const mtime = Date.parse('2020-05-01T10:00:00Z');
    expect(await put(id, 'a.txt', 'alpha', { mtime })).toEqual({ status: 204, body: '' });
    expect((await put(id, 'Album/01.flac', 'one!')).status).toBe(204);
    // More than announced: refused, and nothing of it stays.
    expect((await put(id, 'Album/02.flac', 'two two two')).status).toBe(413);
    expect((await put(id, 'Album/02.flac', 'twotwo')).status).toBe(204);
    expect((await put(id, 'Album/03.flac', '')).status).toBe(413); // a fourth file

    const dry = await call('files:upload', { id, to, dryRun: true });
    expect(dry.ok, JSON.stringify(dry.error)).toBe(true);
    expect(dry.value.preview.map((p: { path: string }) => p.path).sort()).toEqual(['Album/01.flac', 'Album/02.flac', 'a.txt']);
    expect(existsSync(to)).toBe(false);

    const real = await call('files:upload', { id, to });
    expect(real.value).toMatchObject({ op: 'upload', outcome: 'ok', files: 3, bytes: 15 });
    expect(readFileSync(join(to, 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(to, 'Album', '02.flac'), 'utf8')).toBe('twotwo');
    expect(statSync(join(to, 'a.txt')).mtimeMs).toBe(mtime);
    const [entry] = await audit();
    expect(entry).toMatchObject({ operation: 'files upload', result: 'ok', files: 3, bytes: 15, destination: to, source: 'this computer: Album/, a.txt', actor: 'serve' });
    // The staged folder is gone with the real copy; the id takes no more bytes.
    expect(uploadFolders()).toEqual([]);
    expect((await put(id, 'late.txt', 'x')).status).toBe(404);
  });

  it('refuses an upload bigger than announced limits allow, and one into a destination Reprise manages until confirmed', async () => {
    const tiny = uploadStaging({ free: () => 300 * 1024 ** 2 });
    await expect(tiny.start(randomUUID(), '/x', { files: 1, bytes: 100 * 1024 ** 2 })).rejects.toMatchObject({ status: 507 });
    await expect(uploadStaging({ maxBytes: 10 }).start(randomUUID(), '/x', { files: 1, bytes: 11 })).rejects.toMatchObject({ status: 413 });

    const mirror = join(root, 'mirror');
    mkdirSync(join(root, 'src'));
    const add = await call('jobs:add', { name: 'M', sources: [join(root, 'src')], destinations: [{ kind: 'mirror', target: mirror }] });
    expect(add.ok, JSON.stringify(add.error)).toBe(true);
    const id = randomUUID();
    const refused = await call('files:upload-start', { id, to: join(mirror, 'current'), files: 1, bytes: 1 });
    expect(refused.error?.kind).toBe('conflict');
    expect(refused.error?.message).toContain('Reprise manages');
    expect((await call('files:upload-start', { id, to: join(mirror, 'current'), files: 1, bytes: 1, force: true })).ok).toBe(true);
    expect((await call('ops:cancel', { id })).value).toEqual({ cancelled: true });
  });

  it('a cancel while files are arriving stops them, removes what arrived and is audited', async () => {
    const id = randomUUID();
    const to = join(root, 'to-2');
    expect((await call('files:upload-start', { id, to, files: 2, bytes: 10_000_005 })).ok).toBe(true);
    expect((await put(id, 'first.txt', 'first')).status).toBe(204);
    expect(uploadFolders()).toHaveLength(1);
    // A big file that is still arriving when the cancel comes.
    const slow = new Promise<{ status: number }>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: `${UPLOAD_PATH}/${id}?path=big.bin`, headers: { 'content-length': 10_000_000, authorization: `Bearer ${server.token}` } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode! }));
      });
      req.on('error', () => resolve({ status: 0 }));
      req.write(Buffer.alloc(100_000));
    });
    // The cancel comes once the first bytes of big.bin are in the scratch folder (a numbered part
    // until it is complete).
    const arriving = () => uploadFolders().some((d) => readdirSync(join('/tmp', d, 'parts')).some((n) => statSync(join('/tmp', d, 'parts', n)).size > 0));
    await waitFor('big.bin to start arriving', arriving);
    expect((await call('ops:cancel', { id })).value).toEqual({ cancelled: true });
    expect([0, 410]).toContain((await slow).status);
    expect(uploadFolders()).toEqual([]);
    expect(existsSync(to)).toBe(false);
    const [entry] = await audit();
    expect(entry).toMatchObject({ operation: 'files upload', result: 'cancelled', destination: to });
    expect((await call('files:upload', { id, to })).error?.kind).toBe('not-found');
  });

  it('the desktop window names local files instead; they are copied the same way', async () => {
    const here = join(root, 'picked');
    mkdirSync(join(here, 'Album'), { recursive: true });
    writeFileSync(join(here, 'one.txt'), 'one');
    writeFileSync(join(here, 'Album', '01.flac'), '0101');
    const to = join(root, 'to-3');
    const id = randomUUID();
    const r = await call('files:upload', { id, to, paths: [{ from: join(here, 'one.txt'), name: 'one.txt' }, { from: join(here, 'Album', '01.flac'), name: 'Album/01.flac' }] });
    expect(r.value).toMatchObject({ outcome: 'ok', files: 2, bytes: 7 });
    expect(readFileSync(join(to, 'Album', '01.flac'), 'utf8')).toBe('0101');
    // Real files at the destination, not links to the picked ones.
    expect(statSync(join(to, 'one.txt')).isFile()).toBe(true);
    expect(uploadFolders()).toEqual([]);
  });
});

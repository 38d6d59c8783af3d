// `reprise serve` as started by a user: loopback, a token, Host and Origin checked, the contract
// over WebSocket, the built UI served.
import { type ResultPromise, execa } from 'execa';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { repriseBin } from '../support/cli.js';
import { cleanupTempDirs, tempDir } from '../support/tmp.js';

let child: ResultPromise;
let base: URL;
let token: string;

beforeAll(async () => {
  child = execa(process.execPath, [repriseBin, '--data-dir', join(tempDir(), 'data'), 'serve', '--port', '0'], { reject: false, buffer: false, stdout: 'pipe' });
  const line = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      seen += d;
      const m = /^LISTENING (\S+)$/m.exec(seen);
      if (m) resolve(m[1]!);
    });
    void child.then(() => reject(new Error(`serve exited: ${seen}`)));
  });
  base = new URL(line);
  token = base.searchParams.get('token')!;
});
afterAll(async () => {
  child.kill('SIGTERM');
  const r = await child;
  expect(r.exitCode).toBe(0);
  cleanupTempDirs();
});

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: base.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('reprise serve', () => {
  it('prints one LISTENING line on 127.0.0.1 with a long random token', () => {
    expect(base.hostname).toBe('127.0.0.1');
    expect(token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the built UI with a strict CSP', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('<div id="root">');
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    // Encoded slashes survive URL parsing; the resolved path leaves the UI folder and is refused.
    // (/assets/../../../package.json resolves to the repository's package.json, which exists.)
    expect((await get('/assets/..%2f..%2f..%2fpackage.json')).status).toBe(404);
    expect((await get('/assets/..%2f..%2f..%2fpackage.json')).body).not.toContain('"name"');
    expect((await get('/../../etc/passwd')).body).toContain('<div id="root">');
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', { host: `evil.example:${base.port}` })).status).toBe(421);
    await expect(connect(`ws://127.0.0.1:${base.port}/ws?token=${token}`, { host: `evil.example:${base.port}` })).rejects.toThrow('HTTP 421');
  });

  it('requires the token and a matching Origin for the WebSocket', async () => {
    await expect(connect(`ws://127.0.0.1:${base.port}/ws`)).rejects.toThrow('HTTP 401');
    await expect(connect(`ws://127.0.0.1:${base.port}/ws?token=${token}x`)).rejects.toThrow('HTTP 401');
    await expect(connect(`ws://127.0.0.1:${base.port}/ws?token=${token}`, { origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers contract commands and validates them', async () => {
    const ws = await connect(`ws://127.0.0.1:${base.port}/ws?token=${token}`, { origin: `http://127.0.0.1:${base.port}` });
    const ask = (id: number, name: string, req: unknown) =>
      new Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { kind: string } } }>((resolve) => {
        const onMsg = (d: Buffer) => {
          const m = JSON.parse(String(d));
          if (m.type === 'result' && m.id === id) {
            ws.off('message', onMsg);
            resolve(m);
          }
        };
        ws.on('message', onMsg);
        ws.send(JSON.stringify({ type: 'invoke', id, name, req }));
      });
    expect((await ask(1, 'jobs:list', {})).result).toEqual({ ok: true, value: [] });
    expect((await ask(2, 'jobs:add', { name: 42 })).result).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect((await ask(3, 'fs:readEverything', {})).result).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    const info = (await ask(4, 'app:info', {})).result as { ok: true; value: { host: string; tools: { name: string; ok: boolean }[] } };
    expect(info.value.host).toBe('serve');
    expect(info.value.tools.map((t) => [t.name, t.ok])).toEqual([['rclone', true], ['rsync', true]]);
    ws.close();
  });
});

// `reprise serve` keeps its address: the token lives in the data folder (0600) and survives a
// restart, --new-token replaces it, the port comes from --port or settings, and an IPv6 bind
// prints a URL that really opens.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { reprise } from '../support/cli.js';
import { startServe } from '../support/serve.js';
import { cleanupTempDirs, tempDir } from '../support/tmp.js';

afterAll(() => cleanupTempDirs());

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsAnswers(url: string, origin: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { origin } });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'invoke', id: 1, name: 'jobs:list', req: {} })));
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { type: string; id?: number; result?: { ok: boolean } };
      if (m.type === 'result' && m.id === 1) {
        ws.close();
        resolve(m.result!.ok);
      }
    });
    ws.once('error', reject);
  });
}

describe('a stable address for reprise serve', () => {
  it('keeps its token in the data folder across restarts; --new-token replaces it', async () => {
    const data = join(tempDir(), 'data');
    const first = await startServe(data);
    const token = new URL(first.url).searchParams.get('token')!;
    await first.stop();
    const file = join(data, 'serve-token');
    expect(readFileSync(file, 'utf8').trim()).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await startServe(data);
    expect(new URL(second.url).searchParams.get('token')).toBe(token);
    await second.stop();

    const rotated = await startServe(data, {}, ['--port', '0', '--new-token']);
    const fresh = new URL(rotated.url).searchParams.get('token')!;
    expect(fresh).not.toBe(token);
    expect(fresh.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(fresh);
    // The old link no longer opens the WebSocket.
    const port = new URL(rotated.url).port;
    await expect(wsAnswers(`ws://127.0.0.1:${port}/ws?token=${token}`, `http://127.0.0.1:${port}`)).rejects.toThrow('401');
    await rotated.stop();
  });

  it('listens on the port from settings, and says plainly when a chosen port is taken', async () => {
    const data = join(tempDir(), 'data');
    const port = await freePort();
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ version: 1, jobs: [], serve: { port } }));
    const s = await startServe(data, {}, []);
    expect(new URL(s.url).port).toBe(String(port));
    expect(await get(s.url)).toBe(200);

    const clash = await reprise(join(tempDir(), 'data'), ['serve', '--port', String(port)]);
    expect(clash.exitCode).toBe(1);
    expect(clash.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(clash.stderr).not.toMatch(/\n\s+at /);
    await s.stop();

    const bad = await reprise(data, ['serve', '--port', 'eighty']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--port must be a number from 0 to 65535');
  });

  it('prints a usable [::1] URL for --host ::, and accepts the bracketed Host header', async () => {
    const s = await startServe(join(tempDir(), 'data'), {}, ['--host', '::', '--port', '0']);
    const url = new URL(s.url);
    expect(url.hostname).toBe('[::1]');
    expect(s.url).toMatch(/^http:\/\/\[::1\]:\d+\/\?token=[\w-]{32,}$/);
    expect(await get(s.url)).toBe(200);
    const token = url.searchParams.get('token')!;
    expect(await wsAnswers(`ws://[::1]:${url.port}/ws?token=${token}`, `http://[::1]:${url.port}`)).toBe(true);
    // Bound to every interface, the IPv4 loopback reaches it too.
    expect(await get(`http://127.0.0.1:${url.port}/`)).toBe(200);
    expect(s.output()).toContain('reachable from other machines');
    await s.stop();
  });
});

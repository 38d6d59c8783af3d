// End to end in Chromium against `reprise serve`: switching remotes while the first one's listing is
// still on its way. The Browser opens on the first remote (a WebDAV server that answers only after
// 4 s); the user picks another remote at once and sees its folder; the late answer of the first must
// not replace it.
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let slow: Server;
let serve: ServeHandle | null = null;
let answered = 0;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-race-'));
  mkdirSync(join(root, 'local', 'Big'), { recursive: true });
  writeFileSync(join(root, 'local', 'Big', 'big.bin'), 'x');
  // Every request waits 4 s, then gets an empty WebDAV folder.
  slow = createServer((req, res) => {
    setTimeout(() => {
      answered++;
      res.writeHead(207, { 'content-type': 'application/xml; charset=utf-8' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>${req.url ?? '/'}</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>`);
    }, 4000);
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
});

test.afterAll(async () => {
  await serve?.stop();
  await new Promise<void>((resolve) => slow.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

test('a listing that answers late does not replace the folder of the remote chosen since', async ({ page }) => {
  const config = join(root, 'rclone.conf');
  const port = (slow.address() as AddressInfo).port;
  // "aaslow" sorts first, so the Browser opens on it.
  writeFileSync(config, `[aaslow]\ntype = webdav\nurl = http://127.0.0.1:${port}/\nvendor = other\n\n[nas]\ntype = alias\nremote = ${join(root, 'local')}\n`, { mode: 0o600 });
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: config, HOME: join(root, 'home') });
  // The slow remote's listing, as it reaches the page over the WebSocket.
  let lateListingArrived = false;
  page.on('websocket', (ws) =>
    ws.on('framereceived', (f) => {
      const text = String(f.payload);
      if (text.includes('"entries"') && text.includes('"remote":"aaslow"')) lateListingArrived = true;
    }),
  );
  await page.goto(serve.url);
  await page.locator('nav.sidebar button', { hasText: 'Browser' }).click();
  await expect(page.getByTestId('browse-remote')).toHaveValue('aaslow');
  await page.getByTestId('browse-remote').selectOption('nas');
  const big = page.getByTestId('browse-row').filter({ hasText: 'Big' });
  await expect(big).toBeVisible();
  // The slow remote's answer reaches the page, and the page handles it and paints a frame; nas's
  // folder is still the one on screen.
  await expect.poll(() => answered, { timeout: 15_000 }).toBeGreaterThan(0);
  await expect.poll(() => lateListingArrived, { timeout: 15_000 }).toBe(true);
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  await expect(big).toBeVisible();
  await expect(page.getByTestId('browse-remote')).toHaveValue('nas');
  await big.dblclick();
  await expect(page.getByTestId('browse-row').filter({ hasText: 'big.bin' })).toBeVisible();
});

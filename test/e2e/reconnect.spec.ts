// End to end in Chromium: `reprise serve` restarts (same data folder, same port, the token kept in
// the data folder) and the open tab reconnects by itself, catching up on what changed meanwhile.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reprise } from '../support/cli.js';
import { makeLibrary } from '../support/library.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let serve: ServeHandle | null = null;

test.beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-'));
});
test.afterEach(async () => {
  await serve?.stop();
  rmSync(root, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

test('an open tab reconnects after reprise serve restarts', async ({ page }) => {
  const data = join(root, 'data');
  const port = await freePort();
  serve = await startServe(data, {}, ['--port', String(port)]);
  const firstUrl = serve.url;
  await page.goto(firstUrl);
  await expect(page.getByRole('heading', { name: 'No jobs yet — back up your Music folder' })).toBeVisible();
  await expect(page.getByTestId('connection')).toHaveCount(0);

  await serve.stop();
  serve = null;
  await expect(page.getByTestId('connection')).toContainText('Connecting to Reprise');

  // While it is down, a job is added from the command line.
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk'] });
  const add = await reprise(data, ['job', 'add', 'Music', '--source', music, '--copy', join(root, 'dest')]);
  expect(add.exitCode, add.stderr).toBe(0);

  serve = await startServe(data, {}, ['--port', String(port)]);
  expect(serve.url).toBe(firstUrl);
  await expect(page.getByTestId('connection')).toHaveCount(0);
  await expect(page.getByTestId('job-card').filter({ hasText: 'Music' })).toBeVisible();
  // A reload keeps working too: the token stays in the tab, not in the address bar.
  expect(page.url()).not.toContain('token=');
  await page.reload();
  await expect(page.getByTestId('job-card').filter({ hasText: 'Music' })).toBeVisible();
});

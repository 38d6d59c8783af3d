// End to end in Chromium against `reprise serve`: a long copy in the Browser (a big file from a
// WebDAV server to another remote, held to 2 MB/s by the panel's speed limit) shows its progress,
// Cancel stops it, the panel says it was cancelled, and Activity lists it as cancelled.
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startRcloneServe, type TestServer } from '../support/remote-servers.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let dav: TestServer;
let serve: ServeHandle | null = null;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-cancel-'));
  mkdirSync(join(root, 'served', 'Big'), { recursive: true });
  mkdirSync(join(root, 'backup'));
  writeFileSync(join(root, 'served', 'Big', 'big.bin'), Buffer.alloc(40_000_000, 3));
  dav = await startRcloneServe('webdav', join(root, 'served'), { user: 'alice', pass: 'dav secret' }, ['--dir-cache-time', '0s']);
});

test.afterAll(async () => {
  await serve?.stop();
  await dav?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('a long copy shows progress, Cancel stops it, it says cancelled, Activity lists it', async ({ page }, info) => {
  test.setTimeout(120_000);
  const config = join(root, 'rclone.conf');
  writeFileSync(
    config,
    `[nas]\ntype = webdav\nurl = ${dav.url}\nvendor = other\nuser = alice\npass = ${(await execa('rclone', ['obscure', 'dav secret'])).stdout.trim()}\n\n[backup]\ntype = alias\nremote = ${join(root, 'backup')}\n`,
    { mode: 0o600 },
  );
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: config, HOME: join(root, 'home') });
  await page.goto(serve.url);
  await page.locator('nav.sidebar button', { hasText: 'Browser' }).click();
  const rows = page.getByTestId('browse-row');
  await page.getByTestId('browse-remote').selectOption('nas');
  await rows.filter({ hasText: 'Big' }).dblclick();
  await rows.filter({ hasText: 'big.bin' }).click();
  await page.getByTestId('files-copy').click();
  await page.getByTestId('files-tree').locator('[data-target="backup:"]').click();
  await expect(page.getByTestId('files-tree-picked')).toHaveText('backup:');
  await page.getByTestId('files-bwlimit').fill('2M');
  await page.getByTestId('files-go').click();

  // Progress: the total is known and the bytes move.
  const progress = page.getByTestId('files-progress');
  await expect(progress).toContainText('of 40.0 MB');
  await expect(progress).not.toContainText(/^0 B of/);
  const first = (await progress.textContent()) ?? '';
  await expect.poll(async () => (await progress.textContent()) !== first, { timeout: 10_000 }).toBe(true);
  await page.screenshot({ path: info.outputPath('copy-progress.png'), fullPage: true });

  await page.getByTestId('files-cancel').click();
  await expect(page.getByTestId('files-outcome')).toHaveAttribute('data-outcome', 'cancelled');
  await expect(page.getByTestId('files-outcome')).toContainText('Cancelled, after');
  await expect(page.getByTestId('files-cancel')).toBeHidden();
  // The panel still names what it was copying (the listing read again after the cancel).
  await expect(page.getByTestId('files-panel')).toContainText('Copy “big.bin” to');
  await page.screenshot({ path: info.outputPath('copy-cancelled.png'), fullPage: true });

  await page.locator('nav.sidebar button', { hasText: 'History' }).click();
  await page.getByTestId('history-tab-activity').click();
  const activity = page.getByTestId('activity-row').first();
  await expect(activity).toHaveAttribute('data-operation', 'files copy');
  await expect(activity).toHaveAttribute('data-result', 'cancelled');
  await expect(activity).toContainText('nas:Big/big.bin');
  await expect(activity).toContainText('backup:big.bin');
});

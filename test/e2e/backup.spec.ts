// End to end in Chromium against `reprise serve`: create a job, back up, watch it, see the files.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLibrary, sameTree } from '../support/library.js';
import { type ServeHandle, startServe } from '../support/serve.js';
import { backUpAndWatch, createCopyJob } from './flows.js';

let root: string;
let serve: ServeHandle;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-'));
  serve = await startServe(join(root, 'data'));
});
test.afterEach(async () => {
  await serve.stop();
  rmSync(root, { recursive: true, force: true });
});

test('create a copy job, back up now, watch progress, files arrive', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { tracksPerAlbum: 2, trackBytes: 700_000 });
  const dest = join(root, 'Backup Drive');
  await page.goto(serve.url);
  await createCopyJob(page, { name: 'Music', source: music, target: dest, bwlimit: '2M' });
  const seen = await backUpAndWatch(page, 'Music');
  expect(seen.filter((x) => x > 0 && x < 100).length).toBeGreaterThanOrEqual(2);
  expect(sameTree(music, join(dest, 'Music'))).toBe(true);
  await page.screenshot({ path: info.outputPath('dashboard-after-backup.png') });

  await page.getByRole('button', { name: 'History' }).click();
  const row = page.getByTestId('history-row').first();
  await expect(row).toHaveAttribute('data-outcome', 'success');
  await row.getByRole('button').click();
  await expect(row).toContainText(dest);
});

test('the form refuses a source that does not exist, in plain words', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Create a backup job' }).click();
  await page.getByTestId('job-name').fill('Ghost');
  await page.getByTestId('job-source-0').fill(join(root, 'not-plugged-in'));
  await page.getByTestId('job-target-0').fill(join(root, 'dest'));
  await page.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByTestId('form-error')).toContainText(`The source folder "${join(root, 'not-plugged-in')}" does not exist.`);
  await expect(page.getByTestId('form-error')).toContainText('plug in and mount the drive');
});

test('a page without the token says how to get in', async ({ page }) => {
  const u = new URL(serve.url);
  u.search = '';
  await page.goto(u.toString());
  await expect(page.getByRole('alert')).toContainText('needs the link printed by "reprise serve"');
});

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

test('a job with two destinations: the progress says which one, and the first turns green while the second copies', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { tracksPerAlbum: 2, trackBytes: 300_000 });
  const [usb, nas] = [join(root, 'USB'), join(root, 'NAS')];
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Create a backup job' }).click();
  await page.getByTestId('job-name').fill('Music');
  await page.getByTestId('job-source-0').fill(music);
  await page.getByTestId('job-target-0').fill(usb);
  await page.getByRole('group', { name: 'Back up to' }).getByRole('button', { name: 'Add another destination' }).click();
  await page.getByTestId('job-target-1').fill(nas);
  await page.getByText('More options').click();
  // About 3.6 s per destination: several progress samples of each (rclone reports every second).
  await page.getByTestId('job-bwlimit').fill('1M');
  await page.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByTestId('job-row').filter({ hasText: 'Music' })).toBeVisible();

  await page.getByRole('button', { name: 'Dashboard' }).click();
  const card = page.getByTestId('job-card').filter({ hasText: 'Music' });
  await card.getByRole('button', { name: 'Back up now' }).click();
  const chips = card.getByTestId('dest-chip');
  await expect(card.getByTestId('progress-bytes')).toContainText(`to ${usb} (1 of 2 destinations):`);
  await expect(chips.nth(0)).toHaveAttribute('data-tone', 'busy');
  await expect(card.getByTestId('progress-bytes')).toContainText(`to ${nas} (2 of 2 destinations):`, { timeout: 60_000 });
  await expect(chips.nth(0)).toHaveAttribute('data-tone', 'ok');
  await expect(chips.nth(1)).toHaveAttribute('data-tone', 'busy');
  // The percent is the whole run's (the first destination done counts half), the bytes the second's.
  await expect(card.getByTestId('progress-percent')).toHaveText(/^(5\d|6\d|7\d|8\d|9\d|100) % of the run$/);
  await page.screenshot({ path: info.outputPath('two-destinations-running.png') });
  await expect(card.getByTestId('last-result')).toContainText('Succeeded', { timeout: 60_000 });
  // Both received the library: it is counted once, sent to both.
  await expect(card.getByTestId('last-result')).toContainText(/· \d+ files copied to 2 destinations/);
  await expect(chips.nth(1)).toHaveAttribute('data-tone', 'ok');
  expect(sameTree(music, join(usb, 'Music'))).toBe(true);
  expect(sameTree(music, join(nas, 'Music'))).toBe(true);
});

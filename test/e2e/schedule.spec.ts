// End to end in Chromium: a job created in the UI with a schedule runs by itself when the
// scheduler's (test-only) clock reaches its time; history and the header show it.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLibrary, sameTree } from '../support/library.js';
import { invoke } from '../support/page-invoke.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let serve: ServeHandle;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-'));
  // The scheduler runs on a manual clock that starts now; the test moves it (never sleeps).
  serve = await startServe(join(root, 'data'), { REPRISE_TEST_CLOCK: String(Date.now()) });
});
test.afterEach(async () => {
  await serve.stop();
  rmSync(root, { recursive: true, force: true });
});

test('a scheduled job runs by itself at its time; history and header follow', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { tracksPerAlbum: 2, trackBytes: 300_000 });
  const dest = join(root, 'Backup Drive');
  await page.goto(serve.url);

  await page.getByRole('button', { name: 'Create a backup job' }).click();
  await page.getByTestId('job-name').fill('Music');
  await page.getByTestId('job-source-0').fill(music);
  await page.getByTestId('job-target-0').fill(dest);

  // The schedule editor: a bad cron says what is wrong, a good one says when it runs next.
  await page.getByTestId('job-schedule').selectOption({ label: 'Custom (cron)…' });
  await page.getByTestId('job-cron').fill('61 3 * * *');
  await expect(page.getByTestId('schedule-error')).toContainText('"61 3 * * *" is not a valid schedule: the minute field cannot be "61" (minutes are 0–59).');
  await page.getByTestId('job-schedule').selectOption({ label: 'Every day at 03:00' });
  const preview = page.getByTestId('schedule-preview');
  await expect(preview).toContainText('Every day at 03:00');
  await expect(preview).toContainText(/Next: .+ · .+ · .+/);
  await page.getByText('More options').click();
  // Slow enough (≈4 s) that the running state is certainly on screen for a while.
  await page.getByTestId('job-bwlimit').fill('1M');
  await page.screenshot({ path: info.outputPath('job-form-schedule.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByTestId('job-row').filter({ hasText: 'Music' })).toContainText('Every day at 03:00');

  const header = page.getByTestId('header-state');
  await expect(header).toContainText('Music has not been backed up yet');
  await expect(header).toHaveAttribute('data-icon', 'idle-ok');

  // Move the scheduler's clock to the job's next slot: the scheduler starts the run itself.
  const status = await invoke<{ nextRuns: Record<string, number | null>; now: number }>(page, 'scheduler:status', {});
  const [next] = Object.values(status.nextRuns);
  expect(next).toBeGreaterThan(status.now);
  await invoke(page, 'scheduler:test-clock', { advanceToMs: next });

  await expect(header).toContainText('Backing up Music');
  await expect(header).toHaveAttribute('data-icon', 'running');
  await expect(header).toContainText('All backups OK · backed up just now', { timeout: 60_000 });
  await expect(header).toHaveAttribute('data-icon', 'idle-ok');
  expect(sameTree(music, join(dest, 'Music'))).toBe(true);

  await page.getByRole('button', { name: 'History' }).click();
  const row = page.getByTestId('history-row').first();
  await expect(row).toHaveAttribute('data-outcome', 'success');
  await expect(row).toHaveAttribute('data-trigger', 'schedule');
  await expect(row).toContainText('Scheduled');
  await row.getByRole('button').first().click();
  await expect(row.getByTestId('run-changes')).toContainText('18 added, 0 changed, 0 deleted');
  await expect(row.getByTestId('run-changes')).toContainText('Sigur Rós');
  await row.getByRole('button', { name: 'Open log' }).click();
  await expect(row.getByTestId('run-log')).toContainText(/Run \d+ of ".+" started/);
  await page.screenshot({ path: info.outputPath('history-scheduled-run.png'), fullPage: true });

  // Filters: nothing failed.
  await page.getByTestId('filter-outcome').selectOption({ label: 'Failed' });
  await expect(page.getByRole('heading', { name: 'No runs match' })).toBeVisible();
});

test('pausing schedules shows in the header and resumes from it', async ({ page }, info) => {
  await page.goto(serve.url);
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk'] });
  await invoke(page, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }], schedule: '0 3 * * *' });
  await page.getByLabel('Pause schedules').selectOption({ label: 'For 1 hour' });
  await expect(page.getByTestId('paused')).toContainText('Schedules paused for 1 h more');
  await page.screenshot({ path: info.outputPath('header-paused.png') });
  await page.getByTestId('header-action').click();
  await expect(page.getByTestId('paused')).toHaveCount(0);
});

test('a drive that went away: skipped, a Web Notification names it, and clicking it opens the run', async ({ page }, info) => {
  // Record Web Notifications instead of showing them (the headless browser has no desktop).
  await page.addInitScript(() => {
    const shown: { title: string; body: string; click: () => void }[] = [];
    (window as unknown as { shownNotifications: typeof shown }).shownNotifications = shown;
    class FakeNotification {
      static permission = 'granted';
      static requestPermission = async () => 'granted';
      onclick: (() => void) | null = null;
      constructor(title: string, o: { body: string }) {
        shown.push({ title, body: o.body, click: () => this.onclick?.() });
      }
      close() {}
    }
    (window as unknown as { Notification: unknown }).Notification = FakeNotification;
  });
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk'] });
  const drive = join(root, 'USB');
  await page.goto(serve.url);
  await invoke(page, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: drive }] });
  const card = page.getByTestId('job-card').filter({ hasText: 'Music' });
  await card.getByRole('button', { name: 'Back up now' }).click();
  const header = page.getByTestId('header-state');
  await expect(header).toContainText('All backups OK');

  rmSync(drive, { recursive: true }); // unplugged
  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(header).toContainText(`Music → ${drive} missing`);
  await expect(header).toHaveAttribute('data-icon', 'warning');
  const shown = () => page.evaluate(() => (window as unknown as { shownNotifications: { title: string; body: string }[] }).shownNotifications.map((n) => ({ title: n.title, body: n.body })));
  await expect.poll(shown).toEqual([{ title: 'Music: destination missing', body: expect.stringContaining(`${drive} was not available, so it was skipped`) }]);

  await page.evaluate(() => (window as unknown as { shownNotifications: { click: () => void }[] }).shownNotifications[0]!.click());
  await expect(page.getByRole('heading', { name: 'History' })).toBeVisible();
  const row = page.getByTestId('history-row').first();
  await expect(row).toHaveAttribute('data-outcome', 'skipped');
  await expect(row.getByText('is not available')).toBeVisible();
  await page.screenshot({ path: info.outputPath('destination-missing.png') });
});

test('editing a job: the new schedule in words, verify on, saved under the same job', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk'] });
  await page.goto(serve.url);
  await invoke(page, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }], schedule: '0 3 * * *' });
  await page.getByRole('button', { name: 'Jobs' }).click();
  const row = page.getByTestId('job-row').filter({ hasText: 'Music' });
  await expect(row).toContainText('Every day at 03:00');
  await row.getByRole('button', { name: 'Edit job Music' }).click();
  await page.getByTestId('job-schedule').selectOption({ label: 'Custom (cron)…' });
  await page.getByTestId('job-cron').fill('30 2 * * 1-5');
  await expect(page.getByTestId('schedule-preview')).toContainText('At 02:30, Monday through Friday');
  await page.getByText('More options').click();
  await page.getByTestId('job-verify').check();
  await page.screenshot({ path: info.outputPath('job-edit.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText('At 02:30, Monday through Friday');
  const jobs = await invoke<{ job: { schedule: string; verify: boolean } }[]>(page, 'jobs:list', {});
  expect(jobs.map((j) => [j.job.schedule, j.job.verify])).toEqual([['30 2 * * 1-5', true]]);
});

test('a webhook for headless use: saved in the UI, a test notification arrives as JSON', async ({ page }, info) => {
  const received: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk'] });
    await page.goto(serve.url);
    await invoke(page, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }] });
    await page.getByRole('button', { name: 'Settings' }).click();
    const card = page.getByTestId('alert-settings');
    await card.getByTestId('alert-webhook').fill(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    // The address as typed is tested before it is saved: that is what a test is for.
    await card.getByRole('button', { name: 'Send a test' }).click();
    await expect(card).toContainText('The webhook answered (HTTP 204). Save to use this address.');
    expect(received).toEqual([expect.objectContaining({ source: 'reprise', title: 'Reprise test notification' })]);
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card).toContainText('Saved.');
    expect(await invoke<{ webhookUrl: string }>(page, 'alerts:get', {})).toMatchObject({ webhookUrl: expect.stringContaining('/hook') });
    await page.screenshot({ path: info.outputPath('alert-settings.png'), fullPage: true });
  } finally {
    server.close();
  }
});

test('Settings: how many backups run at once is chosen, kept after a reload, and the tools are named', async ({ page }, info) => {
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  const select = page.getByTestId('concurrency');
  await expect(select).toHaveValue('2');
  await select.selectOption('1');
  await expect(page.getByRole('region', { name: 'Backups at once' })).toContainText('backup at a time');
  await expect(page.getByRole('region', { name: 'Backups at once' })).toContainText('Saved.');
  expect(await invoke<{ concurrency: number }>(page, 'scheduler:status', {})).toMatchObject({ concurrency: 1 });

  await page.reload();
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('concurrency')).toHaveValue('1');
  await expect(page.getByTestId('tool-rclone')).toContainText('version 1.60');
  await expect(page.getByTestId('tool-rsync')).toContainText('version 3.');
  await expect(page.getByTestId('data-dir')).toHaveText(join(root, 'data'));
  await page.screenshot({ path: info.outputPath('settings.png'), fullPage: true });
});

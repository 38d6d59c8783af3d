// End to end in Chromium against `reprise serve` and a real WebDAV server: upload from the browser's
// own computer. Two files picked with the file input (previewed first: nothing changes), then a
// folder picked with the folder input, a file dropped on the panel; the bytes arrive on the WebDAV server; Activity lists the
// uploads; an upload into a folder Reprise manages (a mirror's current/) is refused until confirmed.
import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { reprise } from '../support/cli.js';
import { startRcloneServe, type TestServer } from '../support/remote-servers.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let served: string;
let dav: TestServer;
let serve: ServeHandle | null = null;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-upload-'));
  served = join(root, 'served');
  mkdirSync(join(served, 'Inbox'), { recursive: true });
  mkdirSync(join(served, 'Backups', 'Music', 'current'), { recursive: true });
  dav = await startRcloneServe('webdav', served, { user: 'alice', pass: 'dav secret' }, ['--dir-cache-time', '0s']);
});

test.afterAll(async () => {
  await serve?.stop();
  await dav?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('upload files and a folder from this computer: preview, real, Activity, and a managed folder needs a yes', async ({ page }, info) => {
  test.setTimeout(180_000);
  const config = join(root, 'rclone.conf');
  writeFileSync(config, `[nas]\ntype = webdav\nurl = ${dav.url}\nvendor = other\nuser = alice\npass = ${(await execa('rclone', ['obscure', 'dav secret'])).stdout.trim()}\n`, { mode: 0o600 });
  const env = { RCLONE_CONFIG: config, HOME: join(root, 'home') };
  const data = join(root, 'data');
  mkdirSync(join(root, 'music'));
  const add = await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'music'), '--mirror', 'nas:Backups/Music'], env);
  expect(add.exitCode, add.stderr).toBe(0);

  // On "this computer" (the browser's): two files and an album folder.
  const mine = join(root, 'mine');
  mkdirSync(join(mine, 'Album', 'CD 2'), { recursive: true });
  writeFileSync(join(mine, 'notes.txt'), 'liner notes');
  const cover = Buffer.alloc(300_000, 7);
  writeFileSync(join(mine, 'cover.jpg'), cover);
  writeFileSync(join(mine, 'Album', '01 Jóga.flac'), 'joga bytes');
  writeFileSync(join(mine, 'Album', 'CD 2', '01 Hunter.flac'), 'hunter bytes!');

  serve = await startServe(data, env);
  await page.goto(serve.url);
  await page.locator('nav.sidebar button', { hasText: 'Browser' }).click();
  const rows = page.getByTestId('browse-row');
  await rows.filter({ hasText: 'Inbox' }).dblclick();
  await expect(page.getByRole('navigation', { name: 'Folder path' })).toContainText('Inbox');

  // Two files: preview first — they travel to Reprise, rclone's dry run lists them, the server has nothing.
  await page.getByTestId('files-upload').click();
  await page.getByTestId('files-pick').setInputFiles([join(mine, 'notes.txt'), join(mine, 'cover.jpg')]);
  await expect(page.getByTestId('files-picked')).toContainText('2 files, 300 KB into nas:Inbox');
  await page.getByTestId('files-preview-button').click();
  await expect(page.getByTestId('files-preview')).toContainText('2 files');
  await expect(page.getByTestId('files-preview')).toContainText('cover.jpg');
  expect(readdirSync(join(served, 'Inbox'))).toEqual([]);
  await page.screenshot({ path: info.outputPath('upload-preview.png'), fullPage: true });
  await page.getByTestId('files-go').click();
  await expect(page.getByTestId('files-panel')).toBeHidden();
  await expect(rows.filter({ hasText: 'cover.jpg' })).toBeVisible();
  expect(readFileSync(join(served, 'Inbox', 'notes.txt'), 'utf8')).toBe('liner notes');
  expect(readFileSync(join(served, 'Inbox', 'cover.jpg')).equals(cover)).toBe(true);

  // A folder, straight away: its tree arrives whole.
  await page.getByTestId('files-upload').click();
  await page.getByTestId('files-pick-folder').setInputFiles(join(mine, 'Album'));
  await expect(page.getByTestId('files-picked')).toContainText('Album/CD 2/01 Hunter.flac');
  await page.getByTestId('files-go').click();
  await expect(page.getByTestId('files-panel')).toBeHidden();
  await expect(rows.filter({ hasText: 'Album' })).toBeVisible();
  expect(readFileSync(join(served, 'Inbox', 'Album', '01 Jóga.flac'), 'utf8')).toBe('joga bytes');
  expect(readFileSync(join(served, 'Inbox', 'Album', 'CD 2', '01 Hunter.flac'), 'utf8')).toBe('hunter bytes!');

  // Drag and drop onto the panel (a drop the page makes itself: Playwright cannot drag from the desktop).
  await page.getByTestId('files-upload').click();
  await page.getByTestId('files-drop').evaluate((zone) => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('files-picked')).toContainText('1 file, 13 B into nas:Inbox');
  await page.getByTestId('files-go').click();
  await expect(page.getByTestId('files-panel')).toBeHidden();
  expect(readFileSync(join(served, 'Inbox', 'dropped.txt'), 'utf8')).toBe('dropped bytes');

  // Into the mirror's current/: refused before a byte travels, then done once confirmed.
  await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'nas:' }).click();
  await rows.filter({ hasText: 'Backups' }).dblclick();
  await rows.filter({ hasText: 'Music' }).dblclick();
  await rows.filter({ hasText: 'current' }).dblclick();
  await expect(page.getByRole('navigation', { name: 'Folder path' })).toContainText('current');
  await page.getByTestId('files-upload').click();
  await page.getByTestId('files-pick').setInputFiles(join(mine, 'notes.txt'));
  await page.getByTestId('files-go').click();
  await expect(page.getByTestId('files-panel')).toContainText('Reprise manages for the job "Music"');
  await expect(page.getByTestId('files-go')).toBeDisabled();
  expect(existsSync(join(served, 'Backups', 'Music', 'current', 'notes.txt'))).toBe(false);
  await page.screenshot({ path: info.outputPath('upload-managed.png'), fullPage: true });
  await page.getByTestId('files-force').check();
  await page.getByTestId('files-go').click();
  await expect(page.getByTestId('files-panel')).toBeHidden();
  expect(readFileSync(join(served, 'Backups', 'Music', 'current', 'notes.txt'), 'utf8')).toBe('liner notes');

  // History → Activity: each upload, by the browser on serve, with what came from where.
  await page.locator('nav.sidebar button', { hasText: 'History' }).click();
  await page.getByTestId('history-tab-activity').click();
  const activity = page.getByTestId('activity-row');
  await expect(activity.first()).toHaveAttribute('data-operation', 'files upload');
  const ops = await activity.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-operation')} ${e.getAttribute('data-result')}`));
  expect(ops.slice(0, 5)).toEqual(['files upload ok', 'files upload ok', 'files upload ok', 'files upload ok', 'files upload (dry run) dry-run']);
  await expect(activity.nth(1)).toContainText('this computer: dropped.txt');
  await expect(activity.nth(2)).toContainText('this computer: Album/');
  await expect(activity.nth(3)).toContainText('this computer: cover.jpg, notes.txt');
  await expect(activity.first()).toContainText('Browser (serve)');
  await page.screenshot({ path: info.outputPath('upload-activity.png'), fullPage: true });
});

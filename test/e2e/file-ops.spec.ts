// End to end in Chromium against `reprise serve` and a real WebDAV server: in the Browser, make a
// folder, copy a file into it (picked in the tree of remotes and folders), rename it, upload a folder
// from the browser's computer, and delete the folder — each previewed first (nothing
// changes), then done — and find each operation in History's Activity view, started by "Browser
// (serve)".
import { expect, test } from '@playwright/test';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startRcloneServe, type TestServer } from '../support/remote-servers.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let served: string;
let dav: TestServer;
let serve: ServeHandle | null = null;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-files-'));
  served = join(root, 'served');
  mkdirSync(join(served, 'Music'), { recursive: true });
  writeFileSync(join(served, 'Music', 'Jóga.flac'), 'joga bytes');
  dav = await startRcloneServe('webdav', served, { user: 'alice', pass: 'dav secret' }, ['--dir-cache-time', '0s']);
});

test.afterAll(async () => {
  await serve?.stop();
  await dav?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('make a folder, copy, rename and delete in the Browser: preview, then real, then the Activity entry', async ({ page }, info) => {
  test.setTimeout(240_000);
  const config = join(root, 'rclone.conf');
  writeFileSync(config, `[nas]\ntype = webdav\nurl = ${dav.url}\nvendor = other\nuser = alice\npass = ${(await execa('rclone', ['obscure', 'dav secret'])).stdout.trim()}\n`, { mode: 0o600 });
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: config, HOME: join(root, 'home') });
  await page.goto(serve.url);
  await page.locator('nav.sidebar button', { hasText: 'Browser' }).click();
  const rows = page.getByTestId('browse-row');
  await expect(rows.filter({ hasText: 'Music' })).toBeVisible();

  // New folder: the preview changes nothing, the real one makes it.
  await page.getByTestId('files-mkdir').click();
  await page.getByTestId('files-name').fill('Kept');
  await page.getByTestId('files-preview-button').click();
  await expect(page.getByTestId('files-preview')).toContainText('makes nas:Kept');
  expect(existsSync(join(served, 'Kept'))).toBe(false);
  await page.getByTestId('files-go').click();
  await expect(rows.filter({ hasText: 'Kept' })).toBeVisible();
  expect(existsSync(join(served, 'Kept'))).toBe(true);

  // Copy a file into it with the picker of remotes and folders.
  await rows.filter({ hasText: 'Music' }).dblclick();
  await rows.filter({ hasText: 'Jóga.flac' }).click();
  await page.getByTestId('files-copy').click();
  // The picker is a tree of remotes and folders: it opens on this remote; a click on a folder picks it.
  const tree = page.getByTestId('files-tree');
  await expect(tree.locator('[data-target="nas:Kept"]')).toBeVisible();
  await expect(page.getByTestId('files-tree-picked')).toHaveText('nas:Music');
  await tree.locator('[data-target="nas:Kept"]').click();
  await expect(page.getByTestId('files-tree-picked')).toHaveText('nas:Kept');
  await expect(tree.getByRole('treeitem', { name: 'nas:Kept' })).toHaveAttribute('aria-expanded', 'true');
  await expect(tree.getByRole('treeitem', { name: 'nas:Kept' })).toContainText('No folders');
  await page.getByTestId('files-preview-button').click();
  await expect(page.getByTestId('files-preview')).toContainText('1 file, 10 B');
  await expect(page.getByTestId('files-preview')).toContainText('Jóga.flac');
  expect(readdirSync(join(served, 'Kept'))).toEqual([]);
  await page.screenshot({ path: info.outputPath('copy-preview.png'), fullPage: true });
  await page.getByTestId('files-go').click();
  await expect(page.getByTestId('files-panel')).toBeHidden();
  expect(readFileSync(join(served, 'Kept', 'Jóga.flac'), 'utf8')).toBe('joga bytes');

  // Rename it inside Kept.
  await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'nas:' }).click();
  await rows.filter({ hasText: 'Kept' }).dblclick();
  await rows.filter({ hasText: 'Jóga.flac' }).click();
  await page.getByTestId('files-rename').click();
  await page.getByTestId('files-name').fill('Joga (copy).flac');
  await page.getByTestId('files-go').click();
  await expect(rows.filter({ hasText: 'Joga (copy).flac' })).toBeVisible();
  expect(readdirSync(join(served, 'Kept'))).toEqual(['Joga (copy).flac']);

  // Upload a local folder into Kept, with a preview first.
  const album = join(root, 'Album');
  mkdirSync(album);
  writeFileSync(join(album, '01.flac'), 'one');
  writeFileSync(join(album, '02.flac'), 'two!');
  await page.getByTestId('files-upload').click();
  await page.getByTestId('files-pick-folder').setInputFiles(album);
  await page.getByTestId('files-preview-button').click();
  await expect(page.getByTestId('files-preview')).toContainText('2 files, 7 B');
  expect(existsSync(join(served, 'Kept', 'Album'))).toBe(false);
  await page.getByTestId('files-go').click();
  await expect(rows.filter({ hasText: 'Album' })).toBeVisible();
  expect(readdirSync(join(served, 'Kept', 'Album')).sort()).toEqual(['01.flac', '02.flac']);

  // Delete the folder: the confirmation names what goes and how much; the preview deletes nothing.
  await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'nas:' }).click();
  await rows.filter({ hasText: 'Kept' }).click();
  await page.getByTestId('files-delete').click();
  await expect(page.getByTestId('files-delete-what')).toContainText('nas:Kept will be deleted: 3 files, 17 B');
  // WebDAV has no trash: the confirmation says so.
  await expect(page.getByTestId('files-delete-fate')).toHaveAttribute('data-trash', 'permanent');
  await expect(page.getByTestId('files-delete-fate')).toContainText('deleted for good');
  await page.getByTestId('files-preview-button').click();
  await expect(page.getByTestId('files-preview')).toContainText('Joga (copy).flac');
  expect(existsSync(join(served, 'Kept', 'Joga (copy).flac'))).toBe(true);
  await page.screenshot({ path: info.outputPath('delete-confirm.png'), fullPage: true });
  await page.getByTestId('files-go').click();
  await expect(rows.filter({ hasText: 'Kept' })).toBeHidden();
  expect(existsSync(join(served, 'Kept'))).toBe(false);

  // History → Activity: every operation, newest first, by the browser on serve.
  await page.locator('nav.sidebar button', { hasText: 'History' }).click();
  await page.getByTestId('history-tab-activity').click();
  const activity = page.getByTestId('activity-row');
  await expect(activity.first()).toHaveAttribute('data-operation', 'files delete');
  const ops = await activity.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-operation')} ${e.getAttribute('data-result')}`));
  expect(ops).toEqual(['files delete ok', 'files delete (dry run) dry-run', 'files upload ok', 'files upload (dry run) dry-run', 'files move ok', 'files copy ok', 'files copy (dry run) dry-run', 'files mkdir ok', 'files mkdir (dry run) dry-run']);
  await expect(activity.first()).toContainText('Browser (serve)');
  await page.screenshot({ path: info.outputPath('activity.png'), fullPage: true });
});

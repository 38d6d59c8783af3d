// End to end in Chromium against `reprise serve`: a mirror job on a WebDAV remote, browsed in the
// Browser down to current/music/<Artist>/<Album>; "Open in Restore" lands on that album's versions
// in the Restore page, and one more click restores it byte-identical. A versions/<run>/ folder opens
// the version it belongs to; a folder outside every destination offers nothing.
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reprise } from '../support/cli.js';
import { generateLibrary, trackBytes } from '../support/music-library.js';
import { type ServeHandle, startServe } from '../support/serve.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../support/servers.js';

const ARTIST = 'Björk';
const ALBUM = 'Homogenic (1997)';
let root: string;
let dav: WebDavServer;
let serve: ServeHandle | null = null;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-browse-restore-'));
  mkdirSync(join(root, 'dav', 'elsewhere'), { recursive: true });
  dav = await startWebDav(join(root, 'dav'));
});
test.afterEach(async () => {
  await serve?.stop();
  serve = null;
  await dav?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('Open in Restore from a mirror folder in the Browser lands on the album and restores it', async ({ page }, info) => {
  test.setTimeout(150_000);
  const music = join(root, 'music');
  generateLibrary(music, undefined, 50_000);
  const env = { RCLONE_CONFIG: await writeWebDavConfig(root, 'nas', dav) };
  const data = join(root, 'data');
  expect((await reprise(data, ['job', 'add', 'Music', '--source', music, '--mirror', 'nas:/backup/'], env)).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Music'], env)).exitCode).toBe(0);
  // Track 2 is re-encoded: the second run moves the old one into versions/<second run>/.
  const album = join(music, ARTIST, ALBUM);
  writeFileSync(join(album, '02 Track 2.flac'), 'a re-encoded track two');
  expect((await reprise(data, ['run', 'Music'], env)).exitCode).toBe(0);
  // A copy job on the same remote: its folder is part of a backup, but has no restore points.
  expect((await reprise(data, ['job', 'add', 'Photos', '--source', music, '--copy', 'nas:elsewhere'], env)).exitCode).toBe(0);
  // Only the second run replaced anything, so only it has a versions/ folder.
  const runs = readdirSync(join(root, 'dav', 'backup', 'versions'));
  expect(runs).toHaveLength(1);
  const second = runs[0]!;

  serve = await startServe(data, env);
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Browser' }).click();
  const rows = page.getByTestId('browse-row');
  const inBackup = page.getByTestId('in-backup');
  await expect(rows.filter({ hasText: 'elsewhere' })).toBeVisible();
  // The remote's root is not part of the backup: nothing to open.
  await expect(inBackup).toHaveCount(0);
  await rows.filter({ hasText: 'elsewhere' }).dblclick();
  await expect(inBackup).toContainText('Part of a plain copy made by Photos');
  await expect(inBackup.getByRole('button')).toBeDisabled();
  await page.screenshot({ path: info.outputPath('browser-copy-destination.png') });
  await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'nas:' }).click();
  await rows.filter({ hasText: 'backup' }).dblclick();
  await expect(inBackup).toContainText('This folder is the mirror of Music');
  for (const name of ['current', 'music', ARTIST, ALBUM]) await rows.filter({ hasText: name }).first().dblclick();
  await expect(rows.filter({ hasText: '01 Track 1.flac' })).toBeVisible();
  await expect(inBackup).toContainText(`${ALBUM} is in the backup of Music · the newest version`);
  await page.screenshot({ path: info.outputPath('browser-open-in-restore.png') });

  await page.getByTestId('open-in-restore').click();
  await expect(page.getByRole('button', { name: 'Restore', exact: true }).first()).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('item-title')).toHaveText(ALBUM);
  await expect(page.getByTestId('restore-panel')).toContainText(`music/${ARTIST}/${ALBUM}`);
  const versions = page.getByTestId('version-row');
  await expect(versions).toHaveCount(2);
  await expect(versions.first().locator('input')).toBeChecked();
  // The album's cover is read from the mirror's current/ and really renders.
  await expect.poll(() => page.getByTestId('restore-panel').locator('img.cover').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  await page.getByLabel('Another folder').check();
  const target = join(root, 'Restored');
  mkdirSync(target);
  await page.getByTestId('restore-to').fill(target);
  await page.screenshot({ path: info.outputPath('restore-opened-from-browser.png'), fullPage: true });
  await page.getByTestId('restore-panel').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored and verified');
  const restored = join(target, ALBUM);
  expect(readdirSync(restored).sort()).toEqual(readdirSync(album).sort());
  for (const f of readdirSync(album)) expect(readFileSync(join(restored, f)).equals(readFileSync(join(album, f))), f).toBe(true);

  // versions/<second run>/…: the files that run replaced, i.e. the version before it.
  await page.getByRole('button', { name: 'Browser' }).click();
  await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'backup' }).click();
  for (const name of ['versions', second, 'music', ARTIST]) await rows.filter({ hasText: name }).first().dblclick();
  // This time from the selected row, without opening the album folder.
  await rows.filter({ hasText: ALBUM }).click();
  await expect(inBackup).toContainText(`${ARTIST} is in the backup of Music · what the backup of`);
  await expect(page.getByTestId('open-selected-in-restore')).toHaveText(`Open “${ALBUM}” in Restore`);
  await page.screenshot({ path: info.outputPath('browser-versions-selected.png') });
  await page.getByTestId('open-selected-in-restore').click();
  await expect(page.getByTestId('item-title')).toHaveText(ALBUM);
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(1).locator('input')).toBeChecked();
  await expect(page.getByTestId('restore-from-browser')).toContainText(`versions/${second}`);
  await page.screenshot({ path: info.outputPath('restore-opened-from-versions.png'), fullPage: true });
  const older = join(root, 'Older');
  mkdirSync(older);
  await page.getByLabel('Another folder').check();
  await page.getByTestId('restore-to').fill(older);
  await page.getByTestId('restore-panel').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored and verified');
  expect(readFileSync(join(older, ALBUM, '02 Track 2.flac')).equals(trackBytes(ARTIST, ALBUM, 2, 50_000))).toBe(true);
});

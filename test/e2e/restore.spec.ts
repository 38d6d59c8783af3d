// End to end in Chromium against `reprise serve`: pick an artist and an album in the Restore page,
// choose an older version, preview, restore, and get the album back byte-identical and verified.
import { type Page, test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reprise } from '../support/cli.js';
import { generateLibrary, trackBytes } from '../support/music-library.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let serve: ServeHandle;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-restore-'));
  serve = await startServe(join(root, 'data'));
});
test.afterEach(async () => {
  await serve.stop();
  rmSync(root, { recursive: true, force: true });
});

/** Restores the open item into a new folder `target` ("Another folder") and waits for "Restored and verified". */
async function restoreVerifiedInto(page: Page, target: string): Promise<void> {
  await page.getByLabel('Another folder').check();
  mkdirSync(target);
  await page.getByTestId('restore-to').fill(target);
  await page.getByTestId('restore-panel').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored and verified');
}

test('restore an older version of an album from the Restore page, byte-identical and verified', async ({ page }, info) => {
  const music = join(root, 'music');
  const snaps = join(root, 'Backup Drive');
  mkdirSync(snaps);
  generateLibrary(music, undefined, 200_000);
  const data = join(root, 'data');
  expect((await reprise(data, ['job', 'add', 'Music', '--source', music, '--snapshot', snaps])).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);
  // Then the album changes: one track re-encoded, one deleted. The first snapshot still has them.
  const album = join(music, 'Pink Floyd', 'The Wall (1979)');
  writeFileSync(join(album, '02 Track 2.flac'), 'a re-encoded track');
  rmSync(join(album, '03 Track 3.flac'));
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);

  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  await page.getByTestId('artist-search').fill('pink');
  await expect(page.getByTestId('artist-row')).toHaveCount(1);
  await page.getByTestId('artist-search').fill('bjork');
  await expect(page.getByTestId('artist-row')).toHaveText([/Björk/]);
  await page.getByTestId('artist-search').fill('');
  await page.getByTestId('artist-row').filter({ hasText: 'Pink Floyd' }).click();
  const wall = page.getByTestId('album-card').filter({ hasText: 'The Wall (1979)' });
  await expect(wall).toContainText('3 tracks');
  // The cover (a PNG saved as cover.jpg, as happens) is read from the snapshot and really renders.
  await expect(wall.locator('img.cover')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect.poll(() => wall.locator('img.cover').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
  await page.screenshot({ path: info.outputPath('restore-albums.png') });
  await wall.click();

  const versions = page.getByTestId('version-row');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText('1 changed, 1 removed');
  await expect(versions.nth(1)).toContainText('5 files');
  await versions.nth(1).click();
  await page.getByLabel('Another folder').check();
  const target = join(root, 'Restored');
  mkdirSync(target);
  await page.getByTestId('restore-to').fill(target);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByTestId('restore-preview')).toContainText('5 new files');
  expect(readdirSync(target)).toEqual([]);
  await page.screenshot({ path: info.outputPath('restore-preview.png'), fullPage: true });

  await page.getByTestId('restore-panel').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored and verified');
  await page.screenshot({ path: info.outputPath('restore-done.png'), fullPage: true });
  const restored = join(target, 'The Wall (1979)');
  expect(readdirSync(restored).sort()).toEqual(['01 Track 1.flac', '02 Track 2.flac', '03 Track 3.flac', '04 Track 4.flac', 'cover.jpg']);
  for (const n of [1, 2, 3, 4]) expect(readFileSync(join(restored, `0${n} Track ${n}.flac`)).equals(trackBytes('Pink Floyd', 'The Wall (1979)', n, 200_000))).toBe(true);

  // A path that climbs out is refused in plain words, nothing written.
  await page.getByTestId('restore-to').fill('relative/place');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByRole('alert').first()).toContainText('absolute');
});

test('a snapshot job made in the form backs up and its albums appear in Restore', async ({ page }, info) => {
  const music = join(root, 'music');
  const snaps = join(root, 'NAS snapshots');
  mkdirSync(snaps);
  generateLibrary(music);
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Create a backup job' }).click();
  await page.getByTestId('job-name').fill('Music');
  await page.getByTestId('job-source-0').fill(music);
  await page.getByTestId('job-kind-0').selectOption('snapshot');
  await page.getByTestId('job-target-0').fill(snaps);
  await page.screenshot({ path: info.outputPath('job-form-snapshot.png') });
  await page.getByRole('button', { name: 'Create job' }).click();
  await expect(page.getByTestId('job-row').filter({ hasText: 'Music' })).toBeVisible();
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const card = page.getByTestId('job-card').filter({ hasText: 'Music' });
  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(card.getByTestId('last-result')).toContainText('Succeeded', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByTestId('artist-row')).toHaveCount(5);
  await page.getByTestId('artist-row').filter({ hasText: 'Sigur Rós' }).click();
  await expect(page.getByTestId('album-card')).toContainText("( ) 'Untitled' (2002)");
  await page.screenshot({ path: info.outputPath('restore-after-form-job.png') });
});

test('the Restore page says what to do when no job keeps restore points', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByRole('heading', { name: 'Nothing to restore from yet' })).toBeVisible();
});

test('a snapshot job that has not run yet says so calmly, and Back up now makes its first restore point', async ({ page }) => {
  const music = join(root, 'music');
  generateLibrary(music, undefined, 20_000);
  const data = join(root, 'data');
  // A destination folder that does not exist yet, on an attached disk: the first snapshot creates it.
  expect((await reprise(data, ['job', 'add', 'Music', '--source', music, '--snapshot', join(root, 'New Backups', 'snapshots')])).exitCode).toBe(0);

  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  const empty = page.getByTestId('no-restore-points');
  await expect(empty).toContainText('No restore points for Music yet');
  await expect(page.locator('.error-box')).toHaveCount(0);
  await empty.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByTestId('artist-row').filter({ hasText: 'Pink Floyd' })).toBeVisible({ timeout: 60_000 });
  expect(readdirSync(join(root, 'New Backups', 'snapshots'))).toContain('latest');
});

test('tracks right inside an artist folder are listed, and one comes back from an older point of a versioned mirror as it was then', async ({ page }, info) => {
  const music = join(root, 'music');
  const mirror = join(root, 'Mirror');
  const loose = join(music, 'Sigur Rós');
  mkdirSync(join(music, 'Björk', 'Homogenic (1997)'), { recursive: true });
  writeFileSync(join(music, 'Björk', 'Homogenic (1997)', '01 Hunter.flac'), randomBytes(50_000));
  mkdirSync(loose, { recursive: true });
  const then = randomBytes(120_000);
  writeFileSync(join(loose, '01 Svefn-g-englar.flac'), then);
  writeFileSync(join(loose, '02 Hoppípolla.flac'), randomBytes(80_000));
  writeFileSync(join(loose, 'band.jpg'), randomBytes(2_000));
  const data = join(root, 'data');
  expect((await reprise(data, ['job', 'add', 'Music', '--source', music, '--mirror', mirror])).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);
  // Then the loose track is replaced: the first point still holds it as it was.
  writeFileSync(join(loose, '01 Svefn-g-englar.flac'), randomBytes(90_000));
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);

  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  // Not "0 albums": the row counts its tracks, the pane lists them.
  const row = page.getByTestId('artist-row').filter({ hasText: 'Sigur Rós' });
  await expect(row).toContainText('2 tracks');
  await expect(page.getByTestId('artist-row').filter({ hasText: 'Björk' })).toContainText('1 album');
  await row.click();
  await expect(page.getByTestId('album-card')).toHaveCount(0);
  const list = page.getByTestId('loose-files');
  await expect(list).toContainText('2 tracks and 1 other file right inside Sigur Rós');
  await expect(page.getByTestId('loose-file')).toHaveText([/01 Svefn-g-englar\.flac\s*90\.0 KB/, /02 Hoppípolla\.flac\s*80\.0 KB/, /band\.jpg\s*2\.0 KB/]);
  await page.screenshot({ path: info.outputPath('restore-loose-tracks.png') });
  await page.getByTestId('loose-file').filter({ hasText: 'Svefn' }).click();

  await expect(page.getByTestId('item-title')).toHaveText('01 Svefn-g-englar.flac');
  const versions = page.getByTestId('version-row');
  await expect(versions).toHaveCount(2);
  await versions.nth(1).click();
  const target = join(root, 'Restored');
  await restoreVerifiedInto(page, target);
  expect(readdirSync(target)).toEqual(['01 Svefn-g-englar.flac']);
  expect(readFileSync(join(target, '01 Svefn-g-englar.flac')).equals(then)).toBe(true);

  // Back goes to the artist, whose loose files are still there.
  await page.getByRole('button', { name: '← Sigur Rós' }).click();
  await expect(page.getByTestId('loose-file')).toHaveCount(3);
  // "Restore all" says what it brings back: the loose files too.
  await page.getByRole('button', { name: 'Restore all of Sigur Rós' }).click();
  await expect(page.getByTestId('restore-panel')).toContainText('everything in it: 3 files');
});

test('a source of files only says so and restores whole, where it listed "0 folders" and "Nothing matches"', async ({ page }) => {
  const notes = join(root, 'notes');
  mkdirSync(notes);
  writeFileSync(join(notes, 'todo.txt'), 'buy strings');
  writeFileSync(join(notes, 'setlist.txt'), 'Hunter\nJóga');
  const data = join(root, 'data');
  expect((await reprise(data, ['job', 'add', 'Notes', '--source', notes, '--mirror', join(root, 'Mirror')])).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Notes'])).exitCode).toBe(0);

  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  await expect(page.getByTestId('no-folders')).toContainText('No folders in notes');
  await expect(page.getByText(/Nothing matches/)).toHaveCount(0);
  // Each file is listed, and can be picked on its own.
  await expect(page.getByTestId('loose-files')).toContainText('2 files right inside notes');
  await expect(page.getByTestId('loose-file')).toHaveText([/setlist\.txt/, /todo\.txt/]);
  await page.getByRole('button', { name: 'Restore the whole notes folder' }).click();
  const target = join(root, 'Restored');
  await restoreVerifiedInto(page, target);
  expect(readdirSync(join(target, 'notes')).sort()).toEqual(['setlist.txt', 'todo.txt']);
  expect(readFileSync(join(target, 'notes', 'setlist.txt'), 'utf8')).toBe('Hunter\nJóga');
});

test('files right inside the source folder, beside the artists, are listed and one comes back on its own', async ({ page }, info) => {
  const music = join(root, 'music');
  mkdirSync(join(music, 'Björk', 'Homogenic (1997)'), { recursive: true });
  writeFileSync(join(music, 'Björk', 'Homogenic (1997)', '01 Hunter.flac'), randomBytes(50_000));
  const playlist = '#EXTM3U\nBjörk/Homogenic (1997)/01 Hunter.flac\n';
  writeFileSync(join(music, 'Favourites.m3u'), playlist);
  writeFileSync(join(music, '01 A Single.mp3'), randomBytes(30_000));
  const data = join(root, 'data');
  expect((await reprise(data, ['job', 'add', 'Music', '--source', music, '--mirror', join(root, 'Mirror')])).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);

  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  // Beside "Pick an artist": the source folder's own files.
  const list = page.getByTestId('loose-files');
  await expect(list).toContainText('Files in music');
  await expect(list).toContainText('1 track and 1 other file right inside music');
  await expect(page.getByTestId('loose-file')).toHaveText([/01 A Single\.mp3\s*30\.0 KB/, /Favourites\.m3u/]);
  await page.screenshot({ path: info.outputPath('restore-source-files.png') });
  await page.getByTestId('loose-file').filter({ hasText: 'Favourites' }).click();
  await expect(page.getByTestId('item-title')).toHaveText('Favourites.m3u');
  const target = join(root, 'Restored');
  await restoreVerifiedInto(page, target);
  expect(readdirSync(target)).toEqual(['Favourites.m3u']);
  expect(readFileSync(join(target, 'Favourites.m3u'), 'utf8')).toBe(playlist);
  // Back goes to the source folder's view, its files still there; an artist's albums hide them.
  await page.getByRole('button', { name: '← music' }).click();
  await expect(page.getByTestId('loose-file')).toHaveCount(2);
  await page.getByTestId('artist-row').filter({ hasText: 'Björk' }).click();
  await expect(page.getByTestId('album-card')).toHaveCount(1);
  await expect(page.getByTestId('loose-files')).toHaveCount(0);
});

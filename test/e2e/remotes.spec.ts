// End to end in Chromium against `reprise serve`: add a WebDAV remote through the wizard, browse
// it, open a 50,000-entry folder, toggle a mount on and off.
import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkFuse } from '../../electron/core/mounts/fuse-check.js';
import { readRcloneMounts } from '../../electron/core/mounts/mount-table.js';
import { startRcloneServe, type TestServer } from '../support/remote-servers.js';
import { type ServeHandle, startServe } from '../support/serve.js';

const BIG = 50_000;
const DAV_PASS = 'e2e-dav-Secret-417';
let root: string;
let served: string;
let dav: TestServer;
let serve: ServeHandle | null = null;

test.beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-remotes-'));
  served = join(root, 'served');
  mkdirSync(join(served, 'Music', 'Björk', 'Homogenic'), { recursive: true });
  writeFileSync(join(served, 'Music', 'Björk', 'Homogenic', '01 Hunter.flac'), 'hunter bytes');
  writeFileSync(join(served, 'Music', 'Björk', 'Homogenic', '02 Jóga.flac'), 'joga bytes');
  mkdirSync(join(served, 'Big'));
  for (let i = 0; i < BIG; i += 1) writeFileSync(join(served, 'Big', `track-${String(i).padStart(5, '0')}.flac`), '');
  dav = await startRcloneServe('webdav', served, { user: 'alice', pass: DAV_PASS });
});

test.afterAll(async () => {
  await serve?.stop();
  await dav?.stop();
  rmSync(root, { recursive: true, force: true });
});

test('add a WebDAV remote with the wizard, browse it, open 50k entries, toggle a mount', async ({ page }, info) => {
  test.setTimeout(240_000);
  const home = join(root, 'home');
  mkdirSync(home);
  const configPath = join(root, 'rclone', 'rclone.conf');
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: configPath, HOME: home });
  // Everything the core sends to the page, to check no secret ever travels back in clear.
  const received: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
  await page.goto(serve.url);

  // The wizard: popular providers first, WebDAV's generated form, password field.
  await page.getByRole('button', { name: 'Remotes' }).click();
  await expect(page.getByText('No remotes yet')).toBeVisible();
  await page.getByTestId('add-remote').click();
  await expect(page.getByTestId('provider-s3:AWS')).toBeVisible();
  await page.screenshot({ path: info.outputPath('wizard-providers.png') });
  await page.getByTestId('provider-search').fill('webdav');
  await page.getByTestId('provider-webdav').click();
  await page.getByTestId('remote-name').fill('nas');
  await page.getByTestId('opt-url').fill(dav.url);
  await page.getByTestId('opt-user').fill('alice');
  await expect(page.getByTestId('opt-pass')).toHaveAttribute('type', 'password');
  await page.getByTestId('opt-pass').fill(DAV_PASS);
  await page.screenshot({ path: info.outputPath('wizard-webdav.png'), fullPage: true });
  await page.getByTestId('remote-save').click();
  const row = page.getByTestId('remote-nas');
  await expect(row).toContainText('webdav');
  await expect(row.getByTestId('test-ok')).toBeVisible();
  const conf = readFileSync(configPath, 'utf8');
  expect(conf).toContain('[nas]');
  expect(conf).not.toContain(DAV_PASS);
  await page.screenshot({ path: info.outputPath('remotes.png') });

  // Crypt wizard: generated passwords shown once, the plain warning, saving needs a confirmation.
  await page.getByTestId('add-crypt').click();
  await expect(page.getByTestId('crypt-warning')).toContainText('If you lose them, the encrypted backup cannot be read');
  const generated = await page.getByTestId('crypt-generated').locator('code').allTextContents();
  expect(generated).toHaveLength(2);
  await expect(page.getByTestId('crypt-save')).toBeDisabled();
  await page.getByTestId('crypt-saved').check();
  await page.screenshot({ path: info.outputPath('crypt-wizard.png'), fullPage: true });
  await page.getByTestId('crypt-save').click();
  await expect(page.getByTestId('remote-nas-crypt')).toContainText('Encrypted');
  await expect(page.getByTestId('remote-nas-crypt')).toContainText('wraps nas:backup');
  const withCrypt = readFileSync(configPath, 'utf8');
  for (const pw of generated) expect(withCrypt).not.toContain(pw);
  // The edit form gets masked secrets only.
  await page.getByTestId('remote-nas').getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByTestId('opt-pass')).toHaveValue('••••••');
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect(received.length).toBeGreaterThan(5);
  for (const secret of [DAV_PASS, ...generated]) expect(received.join('\n')).not.toContain(secret);

  // Browse: folders first, breadcrumbs, a file two levels down.
  await row.getByRole('button', { name: 'Browse' }).click();
  const rows = page.getByTestId('browse-row');
  await expect(rows.first()).toContainText('Big');
  await rows.filter({ hasText: 'Music' }).dblclick();
  await rows.filter({ hasText: 'Björk' }).dblclick();
  await rows.filter({ hasText: 'Homogenic' }).dblclick();
  await expect(rows.filter({ hasText: '02 Jóga.flac' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Folder path' })).toContainText('Homogenic');
  // Download a file with progress into a local folder.
  const downloads = join(root, 'Downloads');
  mkdirSync(downloads);
  await rows.filter({ hasText: '02 Jóga.flac' }).click();
  await page.getByTestId('download-to').fill(downloads);
  await page.getByRole('button', { name: 'Download', exact: true }).click();
  await expect(page.getByTestId('download')).toContainText('Done · 1 file');
  expect(readFileSync(join(downloads, '02 Jóga.flac'), 'utf8')).toBe('joga bytes');
  await page.screenshot({ path: info.outputPath('browser-album.png') });
  await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'nas:' }).click();

  // 50k entries: all listed, only a screenful rendered, the end reachable, the filter instant.
  await rows.filter({ hasText: 'Big' }).dblclick();
  await expect(page.getByTestId('browse-count')).toHaveText(`${BIG.toLocaleString('en-US')} of ${BIG.toLocaleString('en-US')} items`, { timeout: 60_000 });
  expect(await rows.count()).toBeLessThan(100);
  await page.getByTestId('browse-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(rows.filter({ hasText: 'track-49999.flac' })).toBeVisible();
  await page.screenshot({ path: info.outputPath('browser-50k.png') });
  // track-12340 … track-12349
  await page.getByTestId('browse-filter').fill('track-1234');
  await expect(page.getByTestId('browse-count')).toHaveText(`10 of ${BIG.toLocaleString('en-US')} items`);

  // Mounts: on, read a file through it, off; then quitting leaves no mount.
  const fuse = await checkFuse();
  test.skip(!fuse.ok, `FUSE is not available here: ${fuse.ok ? '' : fuse.reason}`);
  await page.getByRole('button', { name: 'Mounts' }).click();
  await page.getByTestId('add-mount').click();
  await page.getByTestId('mount-path').fill('Music');
  await page.getByTestId('mount-create').click();
  const mountRow = page.getByTestId('mount-row');
  const toggle = mountRow.getByTestId('mount-toggle');
  await expect(toggle).toBeChecked();
  await expect(mountRow).toContainText('Mounted · read-only');
  const point = join(home, 'Reprise Mounts', 'nas Music');
  await expect(mountRow).toContainText(point);
  expect(readFileSync(join(point, 'Björk', 'Homogenic', '01 Hunter.flac'), 'utf8')).toBe('hunter bytes');
  await page.screenshot({ path: info.outputPath('mounts-on.png') });
  // The row reads left to right: the name first, the switch after it, not the other way round.
  const [nameBox, switchBox] = [await mountRow.getByText('nas:Music', { exact: true }).boundingBox(), await mountRow.locator('.switch').boundingBox()];
  expect(nameBox!.x).toBeLessThan(switchBox!.x);
  // "At start" sits on the row's middle line with the switch and Browse, not lifted above it.
  const atStart = await mountRow.getByText('At start').boundingBox();
  expect(Math.abs(atStart!.y + atStart!.height / 2 - (switchBox!.y + switchBox!.height / 2))).toBeLessThan(3);
  // In a browser the mount opens in the Browser page (a desktop app opens the folder itself).
  await mountRow.getByTestId('mount-open').click();
  await expect(page.getByTestId('browse-scroll')).toContainText('Björk');
  await page.getByRole('button', { name: 'Mounts' }).click();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  await expect(mountRow).toContainText('Not mounted');
  expect((await readRcloneMounts()).map((m) => m.mountPoint)).not.toContain(point);
  await toggle.click();
  await expect(toggle).toBeChecked();
  expect((await readRcloneMounts()).map((m) => m.mountPoint)).toContain(point);
  await serve.stop();
  serve = null;
  expect((await readRcloneMounts()).map((m) => m.mountPoint)).not.toContain(point);
});

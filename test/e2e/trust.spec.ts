// The flows of "the window a user trusts" (issue 10), in Chromium against `reprise serve`: the
// README's snapshot + mirror job made and edited in the window, a job made with the keyboard alone,
// cancel and failure said in plain words that survive a reload with Retry, the header following a
// `reprise run` in a terminal, restore into a new folder and keep-both with unicode names, and a
// sidebar that stays put on a long page.
import { type Page, expect, test } from '@playwright/test';
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repriseBin, reprise } from '../support/cli.js';
import { makeLibrary } from '../support/library.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let serve: ServeHandle;
let config: string;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-trust-'));
  // "cloud" stands for b2:bucket (an alias to a local folder: no server needed); "broken" fails at once.
  config = join(root, 'rclone.conf');
  writeFileSync(join(root, 'a-file'), 'not a folder');
  writeFileSync(config, `[cloud]\ntype = alias\nremote = ${join(root, 'cloud')}\n\n[broken]\ntype = alias\nremote = ${join(root, 'a-file', 'sub')}\n`, { mode: 0o600 });
  // The folder picker lists the home folder: the test's own folder.
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: config, HOME: root });
});
test.afterEach(async () => {
  await serve.stop();
  rmSync(root, { recursive: true, force: true });
});

const cli = (args: string[]) => reprise(join(root, 'data'), ['--rclone-config', config, ...args]);

async function jobs(page: Page): Promise<{ job: { id: string; destinations: { id: string; kind: string; target: string }[]; bwlimit: string | null } }[]> {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('reprise-token') ?? '')}`);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'invoke', id: 1, name: 'jobs:list', req: {} }));
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { type: string; result?: { value: unknown } };
          if (m.type === 'result') {
            ws.close();
            resolve(m.result!.value as never);
          }
        };
      }),
  );
}

test('the README job: snapshots on a NAS folder and a versioned mirror on a remote, made and edited in the window', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], tracksPerAlbum: 2 });
  const snaps = join(root, 'nas', 'snapshots');
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Create a backup job' }).click();
  await page.getByTestId('job-name').fill('Music');
  await page.getByTestId('job-source-0').fill(music);
  await page.getByTestId('job-kind-0').selectOption('snapshot');
  await page.getByTestId('job-target-0').fill(snaps);
  await page.getByRole('button', { name: 'Add another destination' }).click();
  // After a snapshot row the next one is a mirror; a remote picked from the list lands in it.
  await expect(page.getByTestId('job-kind-1')).toHaveValue('mirror');
  await page.getByRole('button', { name: /^cloud:/ }).click();
  await expect(page.getByTestId('job-target-1')).toHaveValue('cloud:');
  await page.getByTestId('job-target-1').fill('cloud:music');
  await page.screenshot({ path: info.outputPath('job-form-mixed.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create job' }).click();
  const row = page.getByTestId('job-row').filter({ hasText: 'Music' });
  await expect(row).toContainText(`${snaps} (snapshots), cloud:music (versioned mirror)`);
  const [created] = await jobs(page);
  expect(created!.job.destinations.map((d) => [d.kind, d.target])).toEqual([
    ['snapshot', snaps],
    ['mirror', 'cloud:music'],
  ]);

  // Back up: both destinations succeed, each with its own chip.
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const card = page.getByTestId('job-card').filter({ hasText: 'Music' });
  await card.getByRole('button', { name: 'Back up now' }).click();
  await expect(card.getByTestId('last-result')).toContainText('Succeeded', { timeout: 60_000 });
  await expect(card.getByTestId('dest-chip')).toHaveCount(2);
  expect(readdirSync(join(root, 'cloud', 'music'))).toEqual(expect.arrayContaining(['current', 'records']));

  // Edit: a snapshot cannot go to a remote (said inline, with the fix), and options a snapshot does not use are named.
  await page.getByRole('button', { name: 'Jobs' }).click();
  await row.getByRole('button', { name: 'Edit job Music' }).click();
  await expect(page.getByTestId('job-kind-0')).toHaveValue('snapshot');
  await expect(page.getByTestId('job-kind-1')).toHaveValue('mirror');
  await page.getByTestId('job-kind-1').selectOption('snapshot');
  await expect(page.getByTestId('dest-problem')).toContainText('Snapshots need a local or NAS folder, and cloud:music is an rclone remote.');
  await page.getByRole('button', { name: 'Make it a versioned mirror' }).click();
  await expect(page.getByTestId('job-kind-1')).toHaveValue('mirror');
  await page.getByText('More options').click();
  await page.getByTestId('job-bwlimit').fill('08:00,512k 23:00,off');
  await expect(page.getByTestId('options-note')).toContainText(`The bandwidth limit applies to copies and mirrors only; the snapshot destination ${snaps} is copied by rsync without it.`);
  await page.screenshot({ path: info.outputPath('job-form-mixed-edit.png'), fullPage: true });
  await page.getByRole('button', { name: 'Save changes' }).click();
  // The form closes once the core has saved (while it checks, the button says "Checking…").
  await expect(page.getByRole('form', { name: 'Edit Music' })).toHaveCount(0);
  const [edited] = await jobs(page);
  expect(edited!.job).toMatchObject({ id: created!.job.id, bwlimit: '08:00,512k 23:00,off', destinations: created!.job.destinations });
});

test('a mixed job made with `reprise job add` shows each kind in the editor and saves after an edit', async ({ page }) => {
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['A'] });
  expect((await cli(['job', 'add', 'Music', '--source', music, '--snapshot', join(root, 'snaps'), '--mirror', 'cloud:music', '--copy', join(root, 'usb')])).exitCode).toBe(0);
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Jobs' }).click();
  await page.getByRole('button', { name: 'Edit job Music' }).click();
  await expect(page.getByTestId('job-kind-0')).toHaveValue('snapshot');
  await expect(page.getByTestId('job-kind-1')).toHaveValue('mirror');
  await expect(page.getByTestId('job-kind-2')).toHaveValue('copy');
  await page.getByTestId('job-name').fill('Music library');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('job-row')).toContainText('Music library');
  const [j] = await jobs(page);
  expect(j!.job.destinations.map((d) => d.kind)).toEqual(['snapshot', 'mirror', 'copy']);
});

test('a job made with the keyboard alone, the source chosen in the folder picker', async ({ page }) => {
  makeLibrary(join(root, 'Music'), { artists: ['Björk'] });
  await page.goto(serve.url);
  await expect(page.getByRole('heading', { name: 'No jobs yet — back up your Music folder' })).toBeVisible();
  // The skip link is the first tab stop and leads past the sidebar.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the page' })).toBeFocused();
  await page.keyboard.press('Enter');
  const focusedName = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '');
  for (let i = 0; i < 12 && (await focusedName()) !== 'Create a backup job'; i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-name')).toBeFocused();
  await page.keyboard.type('Music');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('job-source-0')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Choose source folder 1' })).toBeFocused();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('folder-dialog');
  await expect(dialog.getByTestId('folder-current')).toHaveText(root);
  await dialog.getByRole('listbox', { name: 'Folders' }).focus();
  // Arrow to "Music", open it with Enter, then Tab to "Use this folder".
  for (let i = 0; i < 5 && !(await dialog.locator('li.active').textContent())?.includes('Music'); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('folder-current')).toHaveText(join(root, 'Music'));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(dialog.getByTestId('folder-use')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-source-0')).toHaveValue(join(root, 'Music'));
  // On to the first destination: its kind (a select, set with the arrows) and its path; Enter saves.
  await page.getByTestId('job-kind-0').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('job-target-0')).toBeFocused();
  await page.keyboard.type(join(root, 'USB'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-row').filter({ hasText: 'Music' })).toBeVisible();
  const [j] = await jobs(page);
  expect(j!.job.destinations.map((d) => [d.kind, d.target])).toEqual([['mirror', join(root, 'USB')]]);
});

test('cancel and failure are said in plain words, survive a reload and offer Retry', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], tracksPerAlbum: 3, trackBytes: 600_000 });
  // Slow enough (about 7 s) that the Cancel lands mid-run on a busy machine too.
  expect((await cli(['job', 'add', 'Slow', '--source', music, '--copy', join(root, 'usb'), '--bwlimit', '500k'])).exitCode).toBe(0);
  expect((await cli(['job', 'add', 'Broken', '--source', music, '--copy', 'broken:x'])).exitCode).toBe(0);
  await page.goto(serve.url);
  const slow = page.getByTestId('job-card').filter({ hasText: 'Slow' });
  const broken = page.getByTestId('job-card').filter({ hasText: 'Broken' });

  await slow.getByRole('button', { name: 'Back up now' }).click();
  await expect(slow.getByRole('progressbar')).toBeVisible();
  await slow.getByRole('button', { name: 'Cancel' }).click();
  await broken.getByRole('button', { name: 'Back up now' }).click();
  await expect(slow.getByTestId('run-problem')).toContainText('Cancelled before it finished. What was copied stays; the next backup carries on from there.', { timeout: 20_000 });
  await expect(broken.getByTestId('run-problem')).toContainText(/Could not copy .+: mkdir/, { timeout: 20_000 });
  await page.screenshot({ path: info.outputPath('dashboard-cancelled-failed.png'), fullPage: true });

  await page.reload();
  for (const card of [slow, broken]) {
    const box = card.getByTestId('run-problem');
    await expect(box).toBeVisible();
    // Words, not a tool's JSON line or a log file path.
    await expect(box).not.toContainText('{');
    await expect(box).not.toContainText('.log');
  }
  await expect(broken.getByTestId('run-problem')).toContainText(/x\/|mkdir .*a-file: not a directory/);
  // The box never spills out of its card.
  const [cardBox, problemBox] = [await broken.boundingBox(), await broken.getByTestId('run-problem').boundingBox()];
  expect(problemBox!.x + problemBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width);

  // History says the same, and its log is readable lines.
  await broken.getByRole('button', { name: 'Details and log' }).click();
  const row = page.getByTestId('history-row').filter({ has: page.locator('[aria-expanded="true"]') });
  await expect(row.getByTestId('history-problem')).toContainText(/Could not copy .+: mkdir/);
  await row.getByRole('button', { name: 'Open log' }).click();
  await expect(row.getByTestId('run-log')).toContainText(/Run \d+ of ".+" started/);
  await expect(row.getByTestId('run-log')).not.toContainText('{"level"');
  await expect(row.getByTestId('run-log')).toContainText(/broken:x: Failed — Could not copy .+: mkdir/);
  await page.screenshot({ path: info.outputPath('history-readable-log.png'), fullPage: true });

  // Retry runs the job again: the cancelled one completes and its box goes.
  await page.getByRole('button', { name: 'Dashboard' }).click();
  await slow.getByTestId('retry').click();
  await expect(slow.getByTestId('last-result')).toContainText('Succeeded', { timeout: 60_000 });
  await expect(slow.getByTestId('run-problem')).toHaveCount(0);
  await broken.getByTestId('retry').click();
  await expect(broken.getByTestId('run-problem')).toContainText('Could not copy');
});

test('the header follows a `reprise run` in a terminal within 2 s, and says when the server has stopped', async ({ page }, info) => {
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk'], tracksPerAlbum: 2, trackBytes: 1_000_000 });
  expect((await cli(['job', 'add', 'Music', '--source', music, '--copy', join(root, 'usb'), '--bwlimit', '1M'])).exitCode).toBe(0);
  expect((await cli(['job', 'add', 'Photos', '--source', music, '--copy', join(root, 'photos')])).exitCode).toBe(0);
  await page.goto(serve.url);
  const header = page.getByTestId('header-state');
  await expect(header).toContainText('2 jobs have not been backed up yet');

  const run = execa(process.execPath, [repriseBin, '--data-dir', join(root, 'data'), 'run', 'Music'], { reject: false });
  await expect(header).toContainText('Backing up Music');
  await expect(page.getByTestId('job-card').filter({ hasText: 'Music' }).getByTestId('running-elsewhere')).toContainText('Backing up in reprise run');
  expect((await run).exitCode).toBe(0);
  // Within 2 s of the terminal's run ending, and a job still without a backup is not "all OK".
  await expect(header).toContainText('Photos has not been backed up yet · the others are OK, backed up just now', { timeout: 2000 });
  await expect(page.getByTestId('job-card').filter({ hasText: 'Music' }).getByTestId('last-result')).toContainText('Succeeded');
  await page.screenshot({ path: info.outputPath('header-after-cli-run.png') });

  await serve.stop();
  await expect(header).toContainText('Reprise is not answering — has reprise serve stopped?');
  await expect(header).toHaveAttribute('data-icon', 'lost');
  await expect(page.getByTestId('connection')).toContainText('Start it again with reprise serve');
  await page.screenshot({ path: info.outputPath('header-server-stopped.png') });
  // Started again for afterEach to stop (on another port: this page stays disconnected; reconnect.spec covers a restart on the same port).
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: config, HOME: root });
});

test('restore into a folder that does not exist yet, keep both beside the user\'s own, unicode names as they are', async ({ page }, info) => {
  const music = join(root, 'music');
  const album = join(music, 'Björk', 'Homogenic (1997)');
  mkdirSync(album, { recursive: true });
  writeFileSync(join(album, '01 Jóga.flac'), 'the original Jóga');
  writeFileSync(join(album, '02 Hunter.flac'), 'the original Hunter');
  const snaps = join(root, 'snaps');
  expect((await cli(['job', 'add', 'Music', '--source', music, '--snapshot', snaps])).exitCode).toBe(0);
  expect((await cli(['run', 'Music'])).exitCode).toBe(0);
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  await page.getByTestId('artist-row').filter({ hasText: 'Björk' }).click();
  await page.getByTestId('album-card').filter({ hasText: 'Homogenic (1997)' }).click();

  // Into a new folder, chosen with the picker and named by hand.
  await page.getByLabel('Another folder').check();
  await page.getByRole('button', { name: 'Choose restore into folder' }).click();
  await expect(page.getByTestId('folder-current')).toHaveText(root);
  await page.getByTestId('folder-use').click();
  await page.getByTestId('restore-to').fill(join(root, 'Restored', 'From the NAS'));
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByTestId('restore-preview');
  await expect(preview).toContainText('Homogenic (1997)/01 Jóga.flac');
  await expect(preview).not.toContainText('\\#');
  await page.screenshot({ path: info.outputPath('restore-preview-unicode.png'), fullPage: true });
  await page.getByTestId('restore-panel').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored and verified');
  expect(readFileSync(join(root, 'Restored', 'From the NAS', 'Homogenic (1997)', '01 Jóga.flac'), 'utf8')).toBe('the original Jóga');

  // Keep both, where it was: only the file that differs comes back, renamed, beside the user's.
  writeFileSync(join(album, '01 Jóga.flac'), 'my own edit');
  await page.getByLabel(/Where it was/).check();
  await page.getByTestId('restore-policy').selectOption('keep-both');
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(preview).toContainText('1 restored beside yours');
  await expect(preview).toContainText(/Homogenic \(1997\)\/01 Jóga \(restored \d{4}-\d\d-\d\d \d{4}\)\.flac/);
  await page.screenshot({ path: info.outputPath('restore-keep-both.png'), fullPage: true });
  await page.getByTestId('restore-panel').getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-result')).toContainText('Restored and verified');
  const names = readdirSync(album).sort();
  expect(names).toHaveLength(3);
  expect(names).toEqual(expect.arrayContaining(['01 Jóga.flac', '02 Hunter.flac']));
  const beside = names.find((n) => /^01 Jóga \(restored .+\)\.flac$/.test(n));
  expect(beside).toBeDefined();
  expect(readFileSync(join(album, beside!), 'utf8')).toBe('the original Jóga');
  expect(readFileSync(join(album, '01 Jóga.flac'), 'utf8')).toBe('my own edit');
  // No second copy of the album anywhere in the library.
  expect(readdirSync(join(music, 'Björk'))).toEqual(['Homogenic (1997)']);

  // Nowhere in the window does a name appear escaped: History's changes and the version list too.
  await page.getByRole('button', { name: 'History' }).click();
  const row = page.getByTestId('history-row').first();
  await row.getByRole('button').first().click();
  await expect(row.getByTestId('run-changes')).toContainText('01 Jóga.flac');
  await expect(page.locator('body')).not.toContainText('\\#');
});

test('the sidebar stays put on a long page', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Remotes' }).click();
  await page.getByTestId('add-remote').click();
  await expect(page.getByTestId('provider-b2')).toBeVisible();
  const sidebar = page.getByRole('navigation', { name: 'Pages' });
  await page.mouse.wheel(0, 5000);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(300);
  const box = await sidebar.boundingBox();
  expect(Math.abs(box!.y)).toBeLessThan(1);
  expect(box!.height).toBe(800);
  await expect(page.getByRole('button', { name: 'Settings' })).toBeInViewport();
});

test('when the browser refuses notifications, the header and Settings say so instead of the button vanishing', async ({ page }) => {
  // A browser that asks and then refuses, as Chromium does once the user clicks "Block".
  await page.addInitScript(() => {
    // The answer is kept as a browser keeps it for the site.
    const key = 'test-notification-permission';
    Object.defineProperty(Notification, 'permission', { get: () => (localStorage.getItem(key) as NotificationPermission | null) ?? 'default' });
    Notification.requestPermission = () => {
      localStorage.setItem(key, 'denied');
      return Promise.resolve('denied');
    };
  });
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Turn on notifications' }).click();
  await expect(page.getByTestId('notifications-blocked')).toHaveText('Notifications blocked by the browser');
  await expect(page.getByRole('button', { name: 'Turn on notifications' })).toHaveCount(0);
  await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('notifications-denied')).toContainText('This browser blocks notifications from this page');
  // Still blocked after a reload: the browser remembers, and so does the window.
  await page.reload();
  await expect(page.getByTestId('notifications-blocked')).toBeVisible();
});

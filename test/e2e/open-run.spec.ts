// The window follows `app:navigate`: what the desktop tray and notifications use to open a run
// (app:open) reaches a browser window of `reprise serve` the same way, over the contract.
import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLibrary } from '../support/library.js';
import { invoke } from '../support/page-invoke.js';
import { type ServeHandle, startServe } from '../support/serve.js';

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

test('app:open shows a run on the History page, and a page by name', async ({ page }) => {
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['Björk'], tracksPerAlbum: 2 });
  await page.goto(serve.url);
  await expect(page.getByRole('heading', { name: 'Dashboard', exact: true })).toBeVisible();
  await invoke(page, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'backup') }] });
  const { runId } = await invoke<{ runId: number }>(page, 'runs:start', { name: 'Music' });
  // runs:wait answers when the run has finished.
  expect(await invoke<{ id: number; outcome: string }>(page, 'runs:wait', { runId })).toMatchObject({ id: runId, outcome: 'success' });

  await invoke(page, 'app:open', { view: 'run', runId });
  await expect(page.getByRole('heading', { name: 'History', exact: true })).toBeVisible();
  await expect(page.getByTestId('history-row').filter({ has: page.locator('[aria-expanded="true"]') })).toContainText('Music');
  await expect(page.getByTestId('run-changes')).toContainText('Björk');

  await invoke(page, 'app:open', { view: 'restore' });
  await expect(page.getByRole('heading', { name: 'Restore', exact: true })).toBeVisible();
});

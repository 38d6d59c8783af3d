// End to end in Chromium: the job editor says what each mirror compares files by (a local folder
// by size and time, plain WebDAV by size alone, as rclone's features of the remote say) and what
// the last runs cost in requests (from History); "Full check now" starts a full reconciliation,
// and History shows the run as one.
import { type Page, expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../shared/model.js';
import { makeLibrary } from '../support/library.js';
import { invoke } from '../support/page-invoke.js';
import { type ServeHandle, startServe } from '../support/serve.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../support/servers.js';

let root: string;
let serve: ServeHandle;
let dav: WebDavServer;

test.beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-'));
  mkdirSync(join(root, 'dav'));
  dav = await startWebDav(join(root, 'dav'));
  const config = await writeWebDavConfig(root, 'dav', dav);
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: config, HOME: root });
});
test.afterEach(async () => {
  await serve.stop();
  await dav.stop();
  rmSync(root, { recursive: true, force: true });
});

async function runAndWait(page: Page, name: string): Promise<RunSummary> {
  const { runId } = await invoke<{ runId: number }>(page, 'runs:start', { name, dryRun: false, trigger: 'manual' });
  const run = await invoke<RunSummary>(page, 'runs:wait', { runId, timeoutMs: 60_000 });
  expect(run.outcome).toBe('success');
  return run;
}

test('the job editor shows what each mirror compares by and costs; Full check starts a full reconciliation', async ({ page }, info) => {
  const music = join(root, 'Music');
  const files = makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], tracksPerAlbum: 3, trackBytes: 4000 });
  const local = join(root, 'Backup Drive');
  await page.goto(serve.url);
  await expect(page.getByRole('button', { name: 'Create a backup job' })).toBeVisible();
  await invoke(page, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'mirror', target: local }, { kind: 'mirror', target: 'dav:music' }], excludes: [], schedule: null, bwlimit: null, retention: null });

  // A first run (a full one), then one after a change: a top-up that sends only the changed file.
  const first = await runAndWait(page, 'Music');
  expect(first.destinations.map((d) => d.sync)).toEqual(['full', 'full']);
  writeFileSync(join(music, files[0]!), 'a new version of the track');
  const second = await runAndWait(page, 'Music');
  expect(second.destinations.map((d) => d.sync)).toEqual(['top-up', 'top-up']);
  const cost = (r: RunSummary, i: number) => r.destinations[i]!.requests!;
  expect(cost(second, 1)).toBeLessThan(cost(first, 1));

  await page.getByRole('button', { name: 'Jobs' }).click();
  await page.getByRole('button', { name: 'Edit job Music' }).click();
  const rows = page.getByTestId('dest-row');
  // The local folder keeps times (and hashes); plain WebDAV keeps neither: size alone.
  await expect(rows.nth(0).getByTestId('dest-comparison')).toContainText('Compares files by size and modification time');
  await expect(rows.nth(1).getByTestId('dest-comparison')).toContainText('Compares files by size only');
  await expect(rows.nth(1).getByTestId('destination-note')).toContainText('keeps no modification times and no checksums');
  // What the last runs cost, newest first, from History's counts.
  const plural = (n: number) => `${n} request${n === 1 ? '' : 's'}`;
  for (const i of [0, 1]) {
    await expect(rows.nth(i).getByTestId('dest-cost')).toHaveText(`Last runs: ${plural(cost(second, i))} (top-up) · ${plural(cost(first, i))} (full check)`);
  }
  await page.screenshot({ path: info.outputPath('job-editor-full-check.png'), fullPage: true });

  // Full check: a run of the saved job that lists and syncs everything although nothing changed.
  await page.getByTestId('full-check').click();
  await expect(page.getByTestId('full-check-started')).toContainText('Full check started');
  await page.getByRole('button', { name: 'Follow it in History' }).click();
  const newest = page.getByTestId('history-row').first();
  await expect(newest).toHaveAttribute('data-outcome', 'success', { timeout: 60_000 });
  await expect(newest.locator('.dest-stats')).toContainText(`${local}`);
  await expect(newest.locator('.dest-stats')).toContainText('full check (listed everything)');
  await expect(newest.locator('.dest-stats').getByText('full check (listed everything)', { exact: false })).toHaveCount(2);
  await page.screenshot({ path: info.outputPath('history-full-check.png'), fullPage: true });
  const runs = await invoke<RunSummary[]>(page, 'runs:history', { name: 'Music', limit: 5 });
  expect(runs).toHaveLength(3);
  expect(runs[0]!.destinations.map((d) => d.sync)).toEqual(['full', 'full']);
  // Nothing had changed: a plain run would not have touched the remote at all.
  expect(runs[0]!.destinations.every((d) => (d.requests ?? 0) > 0)).toBe(true);
});

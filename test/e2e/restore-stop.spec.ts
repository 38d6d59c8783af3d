// End to end in Chromium: a long restore started from the Restore page can be stopped; rsync
// goes with it, what was copied stays, and the next restore (at full speed) completes.
import { expect, test } from '@playwright/test';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reprise } from '../support/cli.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let serve: ServeHandle | null = null;
test.afterEach(async () => {
  await serve?.stop();
  serve = null;
  rmSync(root, { recursive: true, force: true });
});

// Whether any process still works on this test's files (rsync runs in its own process group).
function rsyncStillRunning(marker: string): boolean {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .some((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes('rsync') && cmd.includes(marker);
      } catch {
        return false;
      }
    });
}

test('Stop ends a long restore calmly; nothing keeps running and a second try completes', async ({ page }, info) => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-stop-'));
  const album = join(root, 'music', 'Slow Artist', 'Long Album (2025)');
  mkdirSync(album, { recursive: true });
  const big = Buffer.alloc(6_000_000, 3);
  writeFileSync(join(album, '01 Long.flac'), big);
  mkdirSync(join(root, 'snapshots'));
  const data = join(root, 'data');
  expect((await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'music'), '--snapshot', join(root, 'snapshots')])).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);
  // The window's rsync is real rsync held to 500 KB/s, so the restore is still copying when stopped.
  const slow = join(root, 'slow-rsync');
  writeFileSync(slow, '#!/bin/sh\nexec rsync --bwlimit=500 "$@"\n');
  chmodSync(slow, 0o755);
  serve = await startServe(data, { REPRISE_RSYNC: slow });

  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Restore' }).click();
  await page.getByTestId('artist-row').filter({ hasText: 'Slow Artist' }).click();
  await page.getByTestId('album-card').filter({ hasText: 'Long Album (2025)' }).click();
  await page.getByLabel('Another folder').check();
  const target = join(root, 'Restored');
  mkdirSync(target);
  await page.getByTestId('restore-to').fill(target);
  const panel = page.getByTestId('restore-panel');
  await panel.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByTestId('restore-progress').locator('strong')).toContainText('%');
  await expect(page.getByTestId('restore-progress').locator('strong')).not.toHaveText('0 %');
  await page.screenshot({ path: info.outputPath('restore-running.png'), fullPage: true });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('restore-stopped')).toContainText('The restore was stopped');
  await expect(page.getByTestId('restore-progress')).toHaveCount(0);
  expect(rsyncStillRunning(root)).toBe(false);
  await page.screenshot({ path: info.outputPath('restore-stopped.png'), fullPage: true });

  // The same restore again from the CLI's full-speed rsync: complete and verified.
  const done = await reprise(data, ['restore', 'Music', '--path', 'music/Slow Artist/Long Album (2025)', '--to', target, '--conflict', 'overwrite']);
  expect(done.exitCode).toBe(0);
  expect(readFileSync(join(target, 'Long Album (2025)', '01 Long.flac')).equals(big)).toBe(true);
});

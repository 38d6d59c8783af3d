// End to end in Chromium: a destination that cannot be reached shows, on its job's card, what is
// wrong and when the next attempt comes — not the figures of the destination that ran before it.
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reprise } from '../support/cli.js';
import { makeLibrary } from '../support/library.js';
import { type ServeHandle, startServe } from '../support/serve.js';

let root: string;
let serve: ServeHandle | null = null;

test.beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-'));
});
test.afterEach(async () => {
  await serve?.stop();
  rmSync(root, { recursive: true, force: true });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

test('the card says "can\'t reach dav — retrying in …" while the unreachable destination waits', async ({ page }) => {
  const port = await closedPort();
  const config = join(root, 'rclone.conf');
  writeFileSync(config, `[dav]\ntype = webdav\nurl = http://127.0.0.1:${port}/\nvendor = other\n`, { mode: 0o600 });
  const env = { RCLONE_CONFIG: config, HOME: join(root, 'home') };
  const data = join(root, 'data');
  makeLibrary(join(root, 'Music'), { artists: ['Björk'] });
  expect((await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'Music'), '--copy', join(root, 'good'), '--copy', 'dav:music'], env)).exitCode).toBe(0);
  const file = join(data, 'settings.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), network: { retryAttempts: 2, retryDelaySeconds: 8 } }));
  serve = await startServe(data, env);
  await page.goto(serve.url);

  const card = page.getByTestId('job-card').filter({ hasText: 'Music' });
  await card.getByRole('button', { name: 'Back up now' }).click();
  const notice = card.getByTestId('progress-retry');
  await expect(notice).toContainText(/can't reach dav — retrying in \d+ s \(attempt 2 of 2\)/);
  await expect(card.getByTestId('progress-where')).toContainText('to dav:music · 2 of 2 destinations');
  // While it waits the card shows no byte figures at all (they would be the good destination's).
  await expect(card.getByTestId('progress-percent')).toHaveCount(0);
  await expect(card.getByTestId('last-result')).toContainText('Partly failed', { timeout: 60_000 });
});

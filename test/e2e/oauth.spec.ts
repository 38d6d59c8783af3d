// End to end in Chromium: adding a Google Drive remote signs in through the browser. rclone's
// `authorize` needs Google, so a stand-in prints exactly what rclone 1.60 prints and serves the
// sign-in link on loopback; every other rclone command is the real rclone.
import { expect, test } from '@playwright/test';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTHORIZE_STAND_IN } from '../support/authorize-stand-in.js';
import { type ServeHandle, startServe } from '../support/serve.js';

const TOKEN = '{"access_token":"ya29.e2e-fake","token_type":"Bearer","refresh_token":"1//0gE2E-refresh","expiry":"2030-01-01T00:00:00Z"}';
let root: string;
let serve: ServeHandle | null = null;

test.beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'reprise-e2e-oauth-'));
});
test.afterEach(async () => {
  await serve?.stop();
  serve = null;
  rmSync(root, { recursive: true, force: true });
});

/** An "rclone" that hands `authorize` to the stand-in and everything else to the real rclone. */
function rcloneWithStandIn(): string {
  const standIn = join(root, 'authorize-stand-in.cjs');
  writeFileSync(standIn, AUTHORIZE_STAND_IN);
  const wrapper = join(root, 'rclone-with-stand-in');
  writeFileSync(wrapper, `#!/bin/sh\nfor a in "$@"; do [ "$a" = authorize ] && exec "${process.execPath}" "${standIn}"; done\nexec rclone "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

test('a Google Drive remote: Save opens the sign-in page, the token comes back, the remote is saved', async ({ page, context }, info) => {
  const configPath = join(root, 'rclone', 'rclone.conf');
  mkdirSync(join(root, 'home'));
  serve = await startServe(join(root, 'data'), { RCLONE_CONFIG: configPath, HOME: join(root, 'home'), REPRISE_RCLONE: rcloneWithStandIn(), FAKE_TOKEN: TOKEN });
  const received: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))));
  await page.goto(serve.url);
  await page.getByRole('button', { name: 'Remotes' }).click();
  await page.getByTestId('add-remote').click();
  await page.getByTestId('provider-search').fill('google drive');
  await page.getByTestId('provider-drive').click();
  await page.getByTestId('remote-name').fill('gdrive');
  // The window opens rclone's sign-in link in a new tab, as on a desktop; that visit completes it.
  const signIn = context.waitForEvent('page');
  await page.getByTestId('remote-save').click();
  await expect(page.getByTestId('authorize-panel')).toContainText('Sign in with your browser');
  const tab = await signIn;
  expect(tab.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?state=/);
  await page.screenshot({ path: info.outputPath('oauth-waiting.png') });
  await expect(page.getByTestId('remote-gdrive')).toContainText('drive', { timeout: 30_000 });
  const conf = readFileSync(configPath, 'utf8');
  expect(conf).toContain('[gdrive]');
  expect(conf).toContain('type = drive');
  expect(conf).toContain('1//0gE2E-refresh');
  // The token went into rclone's config, never to the page.
  expect(received.join('\n')).not.toContain('ya29.e2e-fake');
  expect(received.join('\n')).not.toContain('1//0gE2E-refresh');
  await page.screenshot({ path: info.outputPath('oauth-done.png') });
});

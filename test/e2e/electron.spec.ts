// The same journey in the Electron app through Playwright's _electron, where an Electron binary
// exists. On machines without one (its download is impossible here) it is skipped, visibly.
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLibrary, sameTree } from '../support/library.js';
import { backUpAndWatch, createCopyJob } from './flows.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function electronBinary(): string | null {
  const pkg = join(repo, 'node_modules', 'electron');
  const pathTxt = join(pkg, 'path.txt');
  if (!existsSync(pathTxt)) return null;
  const bin = join(pkg, 'dist', readFileSync(pathTxt, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

const binary = electronBinary();
if (!binary) console.log('[e2e] Electron spec skipped: no Electron binary on this machine (run `npm start` once with internet to fetch it).');

test('Electron: create a copy job, back up now, files arrive', async () => {
  test.skip(!binary, 'No Electron binary on this machine; its download is not possible here.');
  const root = mkdtempSync(join(tmpdir(), 'reprise-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: [repo], env: { ...process.env, REPRISE_DATA_DIR: join(root, 'data') } });
  try {
    const page = await app.firstWindow();
    const music = join(root, 'Music');
    makeLibrary(music, { trackBytes: 700_000 });
    await createCopyJob(page, { name: 'Music', source: music, target: join(root, 'dest'), bwlimit: '2M' });
    await backUpAndWatch(page, 'Music');
    expect(sameTree(music, join(root, 'dest', 'Music'))).toBe(true);
  } finally {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  }
});

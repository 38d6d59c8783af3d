// electron-builder itself on build/electron-builder.yml: an unpacked Linux app (--dir), with a
// stand-in Electron distribution so nothing is downloaded. It validates the config the way
// `npm run dist` will, and the result holds the app and every tray picture where the app looks.
import { execa } from 'execa';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allTrayFiles } from '../../../electron/desktop/tray-images.js';
import { TRAY_IMAGES } from '../../../shared/tray-state.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
afterAll(cleanupTempDirs);

describe('electron-builder on our config', () => {
  it('packs an unpacked Linux app with the tray icons and the window icon as extra resources', { timeout: 180_000 }, async () => {
    const root = tempDir();
    const dist = join(root, 'electron-dist');
    mkdirSync(dist);
    // electron-builder copies this folder as the Electron runtime and renames its binary.
    writeFileSync(join(dist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    const out = join(root, 'out');
    const r = await execa(
      join(repo, 'node_modules', '.bin', 'electron-builder'),
      ['--config', 'build/electron-builder.yml', '--linux', 'dir', `-c.electronDist=${dist}`, '-c.electronVersion=45.4.1', `-c.directories.output=${out}`],
      { cwd: repo, reject: false, all: true, env: { ELECTRON_BUILDER_CACHE: join(root, 'cache') } },
    );
    expect(r.exitCode, r.all).toBe(0);
    const app = join(out, 'linux-unpacked');
    expect(existsSync(join(app, 'reprise'))).toBe(true);
    expect(existsSync(join(app, 'resources', 'app.asar'))).toBe(true);
    expect(existsSync(join(app, 'resources', 'app.asar.unpacked', 'node_modules', 'better-sqlite3'))).toBe(true);
    const resources = join(app, 'resources', 'resources');
    expect(existsSync(join(resources, 'icon.png'))).toBe(true);
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const image of TRAY_IMAGES) for (const file of allTrayFiles(platform, image)) expect(existsSync(join(resources, file)), file).toBe(true);
    }
  });
});

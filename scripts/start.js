#!/usr/bin/env node
// `npm start`: the desktop app. Electron downloads its binary at first launch; where that cannot
// happen (no internet, a headless box) Reprise says so plainly and runs in the browser instead.
import './require-node.js';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;


if (!existsSync(join(root, 'out/electron/desktop/main.js')) || !existsSync(join(root, 'out/renderer/index.html'))) {
  process.stdout.write('Building Reprise…\n');
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// Resolving the electron package fetches its binary on first use; do it in a child we can time out,
// and keep its stack traces to ourselves: the user gets one plain line either way.
function electronBinary() {
  const fetched = existsSync(join(root, 'node_modules/electron/path.txt'));
  if (!fetched) process.stdout.write('Fetching the Electron desktop runtime (first start only)…\n');
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const path = probe.stdout?.trim().split('\n').pop();
  if (probe.status === 0 && path && existsSync(path)) return { path };
  const why = /fetch failed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|certificate/i.exec(probe.stderr ?? '')?.[0];
  return { error: why ? `downloading Electron failed (${why}), probably no internet connection` : probe.error ? `resolving Electron timed out` : 'the Electron binary is not available' };
}

function serveInstead(reason) {
  process.stdout.write(
    `\nThe Reprise desktop window cannot start here: ${reason}\n` +
      'Starting Reprise in your browser instead (same features; the scheduler keeps running while this does).\n' +
      'Open the LISTENING link below (it stays the same across restarts). Stop with Ctrl-C.\n\n',
  );
  const child = spawn(process.execPath, [join(root, 'bin/reprise.js'), 'serve', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code) => process.exit(code ?? 0));
}


const electron = process.env.REPRISE_NO_ELECTRON ? { error: 'REPRISE_NO_ELECTRON is set' } : electronBinary();
const binary = electron.path;
if (!binary) {
  serveInstead(`${electron.error}.`);
} else {
  let ready = false;
  const app = spawn(binary, [root], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  app.stdout.on('data', (d) => {
    if (String(d).includes('REPRISE_READY')) ready = true;
    process.stdout.write(d);
  });
  app.on('exit', (code) => {
    if (!ready && code !== 0) serveInstead(`Electron exited with code ${code} before its window opened (no display?).`);
    else process.exit(code ?? 0);
  });
}

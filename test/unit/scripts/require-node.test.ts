// `npm start` and `npm test` check the Node version before anything else: on Node 20 the user reads
// "needs Node.js 22" first, not an Electron download or a build that fails on new syntax.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fake = join(tempDir('reprise-node20-'), 'node20.cjs');
afterAll(cleanupTempDirs);
writeFileSync(fake, "Object.defineProperty(process.versions, 'node', { value: '20.11.0' });\n");

describe('the Node version is checked first', () => {
  it.each(['scripts/start.js', 'scripts/test.js'])('%s stops at once on Node 20, saying what to install', (script) => {
    const r = spawnSync(process.execPath, ['-r', fake, join(root, script)], { cwd: root, encoding: 'utf8', timeout: 30_000, env: { ...process.env, REPRISE_NO_ELECTRON: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^Reprise needs Node\.js 22 or newer, and this is Node\.js 20\.11\.0/);
    // Nothing else happened first: no build, no Electron, no test suite.
    expect(r.stdout).toBe('');
  });

  it('lets the current Node through', () => {
    const r = spawnSync(process.execPath, ['-e', "import('./scripts/require-node.js').then(() => process.stdout.write('ok'))"], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toBe('ok');
  });
});

// The compiler's walls hold where lint could be switched off: each environment is a TypeScript
// project that lists the projects it may import, so `tsc -b` refuses a file that reaches into
// another one (TS6307), the renderer included. Probes are written into a temporary copy of the
// sources and configs; the real tree is never touched.
import { execFileSync } from 'node:child_process';
import { cpSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

afterAll(cleanupTempDirs);

// Each probe: where it is written, what it imports, and the wall it breaks.
const probes: ReadonlyArray<readonly [string, string, string]> = [
  ['renderer/src/probe-core.ts', "import { createCore } from '../../electron/core/core.js';\nexport const x = createCore;\n", 'the renderer imports the core'],
  ['electron/core/probe-cli.ts', "import { main } from '../cli/main.js';\nexport const x = main;\n", 'the core imports the CLI'],
  ['shared/probe-core.ts', "import { createCore } from '../electron/core/core.js';\nexport const x = createCore;\n", 'shared/ imports the core'],
  ['electron/server/probe-desktop.ts', "import { mainWindow } from '../desktop/window.js';\nexport const x = mainWindow;\n", 'the server imports the desktop host'],
];

describe('the compiler walls', () => {
  it('tsc -b refuses a file of another project, in every environment', () => {
    const copy = tempDir();
    for (const dir of ['shared', 'electron', 'renderer']) cpSync(join(repo, dir), join(copy, dir), { recursive: true, filter: (src) => !src.includes('node_modules') });
    for (const file of ['tsconfig.json', 'tsconfig.base.json', 'package.json']) cpSync(join(repo, file), join(copy, file));
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
    for (const [path, text] of probes) writeFileSync(join(copy, path), text);
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-b', '--pretty', 'false'], { cwd: copy, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      output = String((e as { stdout?: string }).stdout ?? '');
    }
    // Each probe is named in an error that says its import is outside its project.
    for (const [path, , wall] of probes) {
      const lines = output.split('\n').filter((l) => l.includes('TS6307') || l.includes('TS6059'));
      expect(lines.some((l) => l.startsWith(path)), `${wall}\n${output.slice(0, 3000)}`).toBe(true);
    }
  }, 240_000);
});

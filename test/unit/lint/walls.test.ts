// The walls hold: files that break them, written into a temporary copy of the lint setup, are
// refused by `eslint` with the rule that names the wall (an import wall, or a type-aware rule:
// floating promises, switches that miss a case), and a file that keeps to them passes.
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

afterAll(cleanupTempDirs);

// Each probe: where it is written, what it says, and the wall it breaks.
const probes: ReadonlyArray<readonly [string, string, string]> = [
  ['electron/cli/probe-tray.ts', "import { createTray } from '../desktop/tray.js';\nexport const x = createTray;\n", 'the CLI loads the Electron tray'],
  ['electron/cli/probe-transport.ts', "export { registerElectronTransport } from '../desktop/electron-transport.js';\n", 'the CLI loads the Electron IPC transport'],
  ['electron/cli/probe-electron.ts', "import { app } from 'electron';\nexport const x = app;\n", 'the CLI loads electron'],
  ['electron/core/probe-cli.ts', "import { main } from '../cli/main.js';\nexport const x = main;\n", 'the core imports the CLI'],
  ['electron/core/probe-server.ts', "export const x = await import('../server/ws-server.js');\n", 'the core imports the server'],
  ['electron/core/probe-electron.ts', "import type { BrowserWindow } from 'electron';\nexport type X = BrowserWindow;\n", 'the core loads electron (even for a type)'],
  ['electron/server/probe-desktop.ts', "import { mainWindow } from '../desktop/window.js';\nexport const x = mainWindow;\n", 'the server imports the desktop host'],
  ['renderer/src/probe-sqlite.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n", 'the renderer loads better-sqlite3'],
  ['renderer/src/probe-core.ts', "import { createCore } from '../../electron/core/core.js';\nexport const x = createCore;\n", 'the renderer imports the core'],
  ['shared/probe-fs.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'shared/ loads a Node module'],
  ['shared/probe-unclassified.ts', "import left from 'left-pad';\nexport const x = left;\n", 'shared/ loads a package nobody classified'],
  ['electron/core/probe-floating.ts', "export async function save(): Promise<void> {}\nexport function later(): void {\n  save();\n}\n", 'a promise nobody awaits'],
  ['electron/core/probe-switch.ts', "export function n(x: 'a' | 'b'): number {\n  switch (x) {\n    case 'a':\n      return 1;\n  }\n  return 0;\n}\n", 'a switch that misses a member'],
  ['electron/cli/probe-run-manager.ts', "import { runManager } from '../core/runs/run-manager.js';\nexport const x = runManager;\n", 'the CLI reaches past the contract into the run manager'],
  ['electron/cli/probe-core.ts', "import type { Core } from '../core/core.js';\nexport type C = Core['scheduler'];\n", 'the CLI holds the whole core (its scheduler), even for a type'],
  ['electron/desktop/probe-scheduler.ts', "import { schedulerService } from '../core/scheduler/scheduler-service.js';\nexport const x = schedulerService;\n", 'the desktop (tray) reaches the scheduler directly'],
  ['electron/server/probe-handlers.ts', "import { runsHandlers } from '../core/runs/runs-handlers.js';\nexport const x = runsHandlers;\n", 'the server calls handlers without dispatch'],
  ['electron/core/probe-door.ts', "import { openCore } from './api/host.js';\nexport const x = openCore;\n", 'the core imports its own door (a cycle)'],
  ['electron/ipc/probe.ts', "import { app } from 'electron';\nexport const x = app;\n", 'a file in a folder ARCHITECTURE.md does not name'],
];

describe('the import walls', () => {
  it('refuse every probe that breaks one, and let a file that keeps to them pass', async () => {
    const copy = tempDir();
    copyFileSync(join(repo, 'eslint.config.js'), join(copy, 'eslint.config.js'));
    copyFileSync(join(repo, 'package.json'), join(copy, 'package.json'));
    mkdirSync(join(copy, 'scripts'));
    copyFileSync(join(repo, 'scripts', 'eslint-layers.js'), join(copy, 'scripts', 'eslint-layers.js'));
    symlinkSync(join(repo, 'node_modules'), join(copy, 'node_modules'));
    // The type-aware rules need a program: one tsconfig over the whole copy.
    writeFileSync(join(copy, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2023', noEmit: true, skipLibCheck: true }, include: ['**/*.ts'] }));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      writeFileSync(join(copy, path), text);
    };
    for (const [path, text] of probes) write(path, text);
    write('electron/cli/fine.ts', "import { Command } from 'commander';\nimport { openCore } from '../core/api/host.js';\nimport { localClient } from '../core/api/local-client.js';\nimport { startServer } from '../server/ws-server.js';\nimport type { Job } from '../../shared/model.js';\nexport const x = [Command, openCore, localClient, startServer];\nexport type J = Job;\n");

    const results = await new ESLint({ cwd: copy }).lintFiles(['electron/**/*.ts', 'renderer/**/*.ts', 'shared/**/*.ts']);
    const walls = new Set(['layers/imports', '@typescript-eslint/no-floating-promises', '@typescript-eslint/switch-exhaustiveness-check']);
    const byFile = new Map(results.map((r) => [r.filePath.slice(copy.length + 1), r.messages.filter((m) => m.ruleId !== null && walls.has(m.ruleId))]));
    // A file that could not be parsed would pass for the wrong reason.
    expect(results.flatMap((r) => r.messages.filter((m) => m.fatal === true || m.ruleId === null))).toEqual([]);
    for (const [path, , wall] of probes) expect(byFile.get(path)?.length ?? 0, `${path}: ${wall}`).toBeGreaterThan(0);
    expect(byFile.get('electron/cli/fine.ts')).toEqual([]);
  }, 60_000);
});

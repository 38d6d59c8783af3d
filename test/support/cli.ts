// Runs the built `reprise` command as a user would (a real process), with its own data dir.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { tempDir } from './tmp.js';

export const repriseBin = fileURLToPath(new URL('../../bin/reprise.js', import.meta.url));

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `reprise --data-dir DIR ...args` and returns its exit code and output. */
export async function reprise(dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string, cwd?: string): Promise<CliRun> {
  const r = await execa(process.execPath, [repriseBin, '--data-dir', dataDir, ...args], { reject: false, env, timeout: 120_000, ...(input !== undefined ? { input } : {}), ...(cwd ? { cwd } : {}) });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

let nodeCopy: string | null = null;

/**
 * Runs `reprise` as an unprivileged user (root reads every file, so unreadable-file tests need
 * another user). The Node binary may sit in root's home; a world-readable copy is made once.
 */
export async function repriseAs(user: 'nobody', dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const { copyFileSync, chmodSync, existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  if (!nodeCopy || !existsSync(nodeCopy)) {
    // Removed with the test file's other temporary folders (its afterAll calls cleanupTempDirs).
    const dir = tempDir('reprise-node-');
    chmodSync(dir, 0o755);
    nodeCopy = join(dir, 'node');
    copyFileSync(process.execPath, nodeCopy);
    chmodSync(nodeCopy, 0o755);
  }
  const r = await execa('setpriv', ['--reuid', user, '--regid', 'nogroup', '--clear-groups', '--', nodeCopy, repriseBin, '--data-dir', dataDir, ...args], {
    reject: false,
    env: { ...env, HOME: dataDir },
    extendEnv: true,
    timeout: 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

// Runs the built `reprise` command as a user would (a real process), with its own data dir.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const repriseBin = fileURLToPath(new URL('../../bin/reprise.js', import.meta.url));

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `reprise --data-dir DIR ...args` and returns its exit code and output. */
export async function reprise(dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliRun> {
  const r = await execa(process.execPath, [repriseBin, '--data-dir', dataDir, ...args], { reject: false, env, timeout: 120_000, ...(input !== undefined ? { input } : {}) });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

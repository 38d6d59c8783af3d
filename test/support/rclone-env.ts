// A fresh rclone config in a temp folder per test, plus the runner and config objects over it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../electron/core/redact.js';
import { RcloneRunner } from '../../electron/core/remotes/rclone-runner.js';
import { ChildRunner } from '../../electron/core/process/child.js';
import { RemoteConfig } from '../../electron/core/remotes/config-file.js';

/** What a remotes test works with. */
export interface RcloneTestEnv {
  readonly dir: string;
  readonly configPath: string;
  readonly redactor: Redactor;
  readonly runner: RcloneRunner;
  readonly config: RemoteConfig;
  cleanup(): Promise<void>;
}

// Makes a temp dir with an (absent) rclone.conf; AWS_CA_BUNDLE dropped for plain-http S3.
export async function makeRcloneEnv(): Promise<RcloneTestEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'reprise-rclone-'));
  const configPath = join(dir, 'rclone', 'rclone.conf');
  const redactor = new Redactor();
  const setup = { bin: process.env.REPRISE_TEST_RCLONE ?? 'rclone', configFile: null, dropEnv: ['AWS_CA_BUNDLE'], children: new ChildRunner() };
  const runner = new RcloneRunner({ setup, configPath, redactor });
  const config = new RemoteConfig(runner);
  return {
    dir,
    configPath,
    redactor,
    runner,
    config,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

// How every rclone child is started: which config file, which environment, which common flags.
import type { ToolPaths } from '../tools/tools.js';

export interface RcloneSetup {
  readonly bin: string;
  /** An explicit config file, or null for rclone's own default. */
  readonly configFile: string | null;
  /** Extra environment for rclone children (e.g. RCLONE_CONFIG_PASS); never logged. */
  readonly env: NodeJS.ProcessEnv;
}

/** Builds the rclone setup from the tool paths and the chosen config file. */
export function rcloneSetup(tools: ToolPaths, configFile: string | null, env: NodeJS.ProcessEnv = {}): RcloneSetup {
  return { bin: tools.rclone, configFile, env };
}

/** The flags every rclone child gets: the config file, when one was chosen. */
export function configArgs(setup: RcloneSetup): string[] {
  return setup.configFile ? ['--config', setup.configFile] : [];
}

/** The environment of an rclone child: ours plus the setup's additions. */
export function rcloneChildEnv(setup: RcloneSetup): NodeJS.ProcessEnv {
  return { ...process.env, ...setup.env };
}

/** Flags for a transfer whose progress Reprise parses: JSON log, stats every second, per-file lines. */
export const transferLogArgs: readonly string[] = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE', '-v'];

// How every rclone child is started: which config file, which environment, which common flags.
import type { ToolPaths } from '../tools/tools.js';

export interface RcloneSetup {
  readonly bin: string;
  /** An explicit config file, or null for rclone's own default. */
  readonly configFile: string | null;
  /** Extra environment for rclone children (e.g. RCLONE_CONFIG_PASS); never logged. */
  readonly env: NodeJS.ProcessEnv;
  /** End a transfer that moved nothing for this long (settings.network); absent: the default. */
  readonly stallAfterMs?: number;
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

/**
 * Patience with the network: rclone's defaults (1 min to connect, 5 min idle, 10 low-level retries
 * of every request, 3 whole-run retries) let a dead server hold a run for hours. These end it in
 * minutes; Reprise's own retry (with backoff, see scheduler/retry-policy.ts) tries again later.
 */
export const networkArgs: readonly string[] = ['--contimeout', '30s', '--timeout', '2m', '--low-level-retries', '3'];

/** Flags for a transfer whose progress Reprise parses: JSON log, stats every second, per-file lines. */
export const transferLogArgs: readonly string[] = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE', '-v'];

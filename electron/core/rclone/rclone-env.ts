// How every rclone child is started, in one place: which binary and config file, the config
// password (in the environment, never on the command line), no password prompt, and the core's
// one child runner. Transfers, listings, rcd, sign-ins and config edits all come through here.
import type { ChildOptions, ChildResult, ChildRunner, RunningChild } from '../process/child.js';
import type { ToolPaths } from '../tools/tools.js';

export interface RcloneSetup {
  readonly bin: string;
  /** An explicit config file, or null for rclone's own default. */
  readonly configFile: string | null;
  /** The password of an encrypted config, once known (RCLONE_CONFIG_PASS or unlocked); never logged. */
  readonly configPassword?: string;
  /** End a transfer that moved nothing for this long (settings.network); absent: the default. */
  readonly stallAfterMs?: number;
  /** Inherited variables to leave out of rclone's environment (tests: AWS_CA_BUNDLE for plain-http S3). */
  readonly dropEnv?: readonly string[];
  /** The core's child runner. */
  readonly children: ChildRunner;
  /** Where the core keeps what it read of remote destinations' records between runs (absent: nothing is kept). */
  readonly recordCache?: string;
}

/** Builds the rclone setup from the tool paths and the chosen config file. */
export function rcloneSetup(tools: ToolPaths, children: ChildRunner, configFile: string | null, configPassword?: string): RcloneSetup {
  return { bin: tools.rclone, configFile, children, ...(configPassword ? { configPassword } : {}) };
}

/**
 * Patience with the network: rclone's defaults (1 min to connect, 5 min idle, 10 low-level retries
 * of every request, 3 whole-run retries) let a dead server hold a run for hours. These end it in
 * minutes; Reprise's own retry (with backoff, see scheduler/retry-policy.ts) tries again later.
 */
export const networkArgs: readonly string[] = ['--contimeout', '30s', '--timeout', '2m', '--low-level-retries', '3'];

/** Flags for a transfer whose progress Reprise parses: JSON log, stats every second, per-file lines. */
export const transferLogArgs: readonly string[] = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE', '-v'];

/** What a caller adds to an rclone child: its arguments and how to run it; command and env come from the setup. */
export type RcloneChildOptions = Omit<ChildOptions, 'command' | 'args' | 'dropEnv'> & { readonly args: readonly string[] };

/** The child options of `rclone ARGS` under a setup: config flag, no prompt, scrubbed env plus the config password. */
export function rcloneChild(setup: RcloneSetup, o: RcloneChildOptions): ChildOptions {
  return {
    ...o,
    command: setup.bin,
    args: [...(setup.configFile ? ['--config', setup.configFile] : []), '--ask-password=false', ...o.args],
    env: { ...(setup.configPassword ? { RCLONE_CONFIG_PASS: setup.configPassword } : {}), ...o.env },
    ...(setup.dropEnv ? { dropEnv: setup.dropEnv } : {}),
  };
}

/** Runs `rclone ARGS` to completion; never throws for exit codes or spawn failures. */
export function runRclone(setup: RcloneSetup, o: RcloneChildOptions): Promise<ChildResult> {
  return setup.children.run(rcloneChild(setup, o));
}

/** Starts a long-lived `rclone ARGS` (rcd, authorize, a download). */
export function startRclone(setup: RcloneSetup, o: RcloneChildOptions): RunningChild {
  return setup.children.start(rcloneChild(setup, o));
}

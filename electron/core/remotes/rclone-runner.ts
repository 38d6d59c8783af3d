// Runs rclone children for the remotes area: always with `--config FILE` (the file this area
// manages), through the core's one way of starting rclone (rclone/rclone-env.ts: scrubbed
// environment, no password prompt, the config password only in the child's environment), with
// secrets scrubbed from what comes back.
import type { ChildResult, RunningChild } from '../process/child.js';
import { type RcloneChildOptions, type RcloneSetup, runRclone, startRclone } from '../rclone/rclone-env.js';
import { RemoteError } from './errors.js';
import type { Redactor } from '../redact.js';

/** What every rclone child of this area needs; injected so tests use temp configs. */
export interface RcloneRunnerOptions {
  /** The core's rclone setup (binary, child runner, a config password already known). */
  readonly setup: RcloneSetup;
  /** The rclone config file to read and write (never implied). */
  readonly configPath: string;
  readonly redactor: Redactor;
}

/** Per-call options of a run. */
export interface RunOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly input?: string;
}

/** The outcome of a finished rclone child (stdout raw, stderr already redacted). */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

// Spawns rclone for one config file; holds the config password in memory only.
export class RcloneRunner {
  readonly base: RcloneSetup;
  readonly configPath: string;
  readonly redactor: Redactor;
  private configPassword: string | undefined;

  constructor(options: RcloneRunnerOptions) {
    this.base = options.setup;
    this.configPath = options.configPath;
    this.redactor = options.redactor;
    // A password the user gave rclone's own way (RCLONE_CONFIG_PASS) arrives in the setup.
    this.setConfigPassword(options.setup.configPassword);
  }

  /** The rclone binary (for messages). */
  get rclone(): string {
    return this.base.bin;
  }

  // Sets (or clears) the password of an encrypted config; it is registered as a secret.
  setConfigPassword(password: string | undefined): void {
    if (this.configPassword) this.redactor.delete(this.configPassword);
    this.configPassword = password;
    if (password) this.redactor.add(password);
  }

  // The config password other rclone children (backup runs) need for an unlocked encrypted config.
  heldConfigPassword(): string | undefined {
    return this.configPassword;
  }

  // True when a config password is held in memory.
  hasConfigPassword(): boolean {
    return this.configPassword !== undefined;
  }

  // The setup of this area's children: our config file and the password held now.
  setup(): RcloneSetup {
    const { configPassword: _, ...rest } = this.base;
    return { ...rest, configFile: this.configPath, ...(this.configPassword ? { configPassword: this.configPassword } : {}) };
  }

  // Starts a long-lived child (rcd, authorize, a download).
  start(o: RcloneChildOptions): RunningChild {
    return startRclone(this.setup(), o);
  }

  // Runs rclone to completion and returns its output; never throws for a non-zero exit.
  async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await runRclone(this.setup(), {
      args,
      keepStdout: true,
      keepStderr: true,
      killAfterMs: 2000,
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.throwIfNotRun(result, options.timeoutMs);
    return { stdout: result.stdout, stderr: this.redactor.text(result.stderr), exitCode: result.exitCode ?? -1 };
  }

  // A child that did not run to an exit code: why, in words.
  throwIfNotRun(result: ChildResult, timeoutMs?: number): void {
    if (result.spawnError) {
      if (result.spawnError.code === 'ENOENT') {
        throw new RemoteError('spawn-failed', `rclone was not found at ${this.rclone}. Install rclone (https://rclone.org/install/) or set its path in Settings.`);
      }
      throw new RemoteError('spawn-failed', this.redactor.text(`rclone could not be started: ${result.spawnError.message}`));
    }
    if (result.timedOut) throw new RemoteError('timeout', `rclone did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s.`);
    if (result.cancelled) throw new RemoteError('cancelled', 'Cancelled.');
    if (result.exitCode === null) throw new RemoteError('cancelled', 'rclone was stopped.');
  }

  // Runs rclone and throws a RemoteError (with a plain reason) unless it exits 0.
  async runOk(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const result = await this.run(args, options);
    if (result.exitCode !== 0) throw errorFromStderr(result.stderr, result.exitCode);
    return result;
  }
}

// The last few meaningful lines of stderr, for error details.
export function stderrTail(stderr: string, lines = 6): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-lines)
    .join('\n');
}

// Maps rclone's stderr to an error kind and a sentence a person can act on.
export function errorFromStderr(stderr: string, exitCode: number): RemoteError {
  const tail = stderrTail(stderr);
  const details = { exitCode, stderrTail: tail };
  const s = stderr.toLowerCase();
  if (s.includes("couldn't decrypt configuration") || s.includes('wrong password')) {
    return new RemoteError('wrong-password', 'The rclone config password is wrong.', details);
  }
  if (s.includes('not allowed to ask for password') || s.includes('rclone_config_pass')) {
    return new RemoteError('password-required', 'The rclone config is encrypted: enter its password to continue.', details);
  }
  if (s.includes("didn't find section in config file") || s.includes('not found in config')) {
    return new RemoteError('not-found', 'That remote is not in the rclone config.', details);
  }
  if (s.includes('401') || s.includes('403') || s.includes('unauthorized') || s.includes('forbidden') || s.includes('unable to authenticate') || s.includes('permission denied') || s.includes('invalidaccesskeyid') || s.includes('signaturedoesnotmatch') || s.includes('rclone config reconnect')) {
    return new RemoteError('auth-failed', 'The server refused the login: check the user name, password or key (or reconnect the account).', details);
  }
  if (s.includes('connection refused') || s.includes('no such host') || s.includes('i/o timeout') || s.includes('network is unreachable') || s.includes('connection reset') || s.includes('dial tcp') || s.includes('tls:')) {
    return new RemoteError('unreachable', 'The server could not be reached: check the address and your network.', details);
  }
  if (s.includes('directory not found') || s.includes('object not found') || s.includes('nosuchbucket') || exitCode === 3 || exitCode === 4) {
    return new RemoteError('not-found', 'That folder or bucket does not exist on the remote.', details);
  }
  const first = tail.split('\n').pop() ?? '';
  return new RemoteError('rclone-failed', `rclone failed (exit ${exitCode})${first ? `: ${first}` : '.'}`, details);
}

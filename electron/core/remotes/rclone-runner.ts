// Runs rclone children for the remotes area: always with `--config FILE`, never a shell,
// the config password only in the child's environment, secrets scrubbed from what comes back.
import { execa } from 'execa';
import { withDeathSignal } from '../process/death-signal.js';
import { RemoteError } from './errors.js';
import type { Redactor } from './redact.js';

/** What every rclone child of this area needs; injected so tests use temp configs. */
export interface RcloneRunnerOptions {
  /** Path of the rclone binary. */
  readonly rclone: string;
  /** The rclone config file to read and write (never implied). */
  readonly configPath: string;
  /** Base environment for children (defaults to process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Variables removed from the children's environment (e.g. AWS_CA_BUNDLE for plain-http S3). */
  readonly dropEnv?: readonly string[];
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

// Variables that would make rclone read a password or config we did not choose.
const INHERITED_BLOCKLIST = ['RCLONE_CONFIG_PASS', 'RCLONE_PASSWORD_COMMAND', 'RCLONE_CONFIG', 'RCLONE_ASK_PASSWORD'];

// Spawns rclone for one config file; holds the config password in memory only.
export class RcloneRunner {
  readonly rclone: string;
  readonly configPath: string;
  readonly redactor: Redactor;
  private readonly baseEnv: NodeJS.ProcessEnv;
  private readonly dropEnv: readonly string[];
  private configPassword: string | undefined;

  constructor(options: RcloneRunnerOptions) {
    this.rclone = options.rclone;
    this.configPath = options.configPath;
    this.redactor = options.redactor;
    this.baseEnv = options.env ?? process.env;
    this.dropEnv = options.dropEnv ?? [];
    // A password the user gave rclone's own way (RCLONE_CONFIG_PASS) is honoured, kept in memory.
    const given = this.baseEnv.RCLONE_CONFIG_PASS;
    if (given) this.setConfigPassword(given);
  }

  // Sets (or clears) the password of an encrypted config; it is registered as a secret.
  setConfigPassword(password: string | undefined): void {
    if (this.configPassword) this.redactor.delete(this.configPassword);
    this.configPassword = password;
    if (password) this.redactor.add(password);
  }

  // The variable other rclone children (backup runs) need for an unlocked encrypted config.
  configPasswordEnv(): Record<string, string> {
    return this.configPassword ? { RCLONE_CONFIG_PASS: this.configPassword } : {};
  }

  // True when a config password is held in memory.
  hasConfigPassword(): boolean {
    return this.configPassword !== undefined;
  }

  // The environment of a child: inherited minus rclone's own config variables, plus ours.
  childEnv(extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.baseEnv)) {
      if (v === undefined) continue;
      if (INHERITED_BLOCKLIST.includes(k) || this.dropEnv.includes(k)) continue;
      env[k] = v;
    }
    if (this.configPassword) env.RCLONE_CONFIG_PASS = this.configPassword;
    return { ...env, ...extra };
  }

  // The leading arguments every child gets: our config and no interactive password prompt.
  baseArgs(): string[] {
    return ['--config', this.configPath, '--ask-password=false'];
  }

  // Runs rclone to completion and returns its output; never throws for a non-zero exit.
  async run(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const env = this.childEnv();
    // Ends with us if Reprise is killed (Linux; see process/death-signal.ts).
    const start = withDeathSignal(this.rclone, [...this.baseArgs(), ...args], 'SIGKILL', env);
    const result = await execa(start.command, start.args, {
      env,
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      ...(options.signal ? { cancelSignal: options.signal } : {}),
      forceKillAfterDelay: 2000,
    });
    if (result.failed && result.exitCode === undefined) {
      if (result.timedOut) {
        throw new RemoteError('timeout', `rclone did not answer within ${Math.round((options.timeoutMs ?? 0) / 1000)} s.`);
      }
      if (result.isCanceled) throw new RemoteError('cancelled', 'Cancelled.');
      if (result.code === 'ENOENT') {
        throw new RemoteError('spawn-failed', `rclone was not found at ${this.rclone}. Install rclone (https://rclone.org/install/) or set its path in Settings.`);
      }
      if (result.isTerminated) throw new RemoteError('cancelled', 'rclone was stopped.');
      throw new RemoteError('spawn-failed', this.redactor.text(`rclone could not be started: ${result.shortMessage}`));
    }
    return {
      stdout: String(result.stdout ?? ''),
      stderr: this.redactor.text(String(result.stderr ?? '')),
      exitCode: result.exitCode ?? -1,
    };
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

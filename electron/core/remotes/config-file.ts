// Reads and writes the rclone config file through rclone itself, keeping the file at mode 0600
// and every secret obscured, masked or scrubbed on its way out. Reads use `rclone config dump`;
// writes that carry secrets (create, update, the OAuth token) go through the rc API of a running
// `rclone rcd` (config/create, config/update): a command line is readable by every local user
// (`ps`, /proc), and `rclone reveal` turns an obscured password back into the password.
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { RemoteError } from './errors.js';
import { assertBackendType, assertOption, assertRemoteName } from './names.js';
import { SECRET_MASK, isSecretKey } from '../redact.js';
import { errorFromStderr, type RcloneRunner } from './rclone-runner.js';
import { RcdClient } from './rcd.js';
import { configStepSchema, parseConfigDump, parseConfigProviders, parseLsjson } from '../rclone/rclone-output.js';
import type { RcloneOption, RcloneProvider } from '../../../shared/remotes/provider-types.js';
import { checkRemoteOptions } from '../../../shared/remotes/option-check.js';
import type { ConnectionTest, RemoteDetail, RemoteSummary } from '../../../shared/remotes/types.js';

export type { ConnectionTest, RemoteDetail, RemoteSummary };

/** One question of rclone's config state machine (`--non-interactive` output). */
export interface ConfigQuestion {
  readonly state: string;
  readonly option: RcloneOption;
  readonly error: string;
}

/** What a create/update/continue step returns: finished, or a question to answer. */
export type ConfigStep = { readonly kind: 'done' } | { readonly kind: 'question'; readonly question: ConfigQuestion };

const ENCRYPTED_MARKER = 'RCLONE_ENCRYPT_V0:';
const WRAPPING_KEY: Record<string, string> = { crypt: 'remote', alias: 'remote', chunker: 'remote', compress: 'remote', hasher: 'remote', cache: 'remote' };

// Access to one rclone config file: list, read, create, update, delete, test.
export class RemoteConfig {
  private providersCache: Promise<readonly RcloneProvider[]> | undefined;

  constructor(private readonly runner: RcloneRunner) {}

  get path(): string {
    return this.runner.configPath;
  }

  // True when the config file is encrypted with a password (`rclone config` → s).
  async isEncrypted(): Promise<boolean> {
    try {
      const head = await readFile(this.path, 'utf8');
      return head.includes(ENCRYPTED_MARKER);
    } catch {
      return false;
    }
  }

  // Keeps the password of an encrypted config in memory after checking that it opens the file.
  async unlock(password: string): Promise<void> {
    const previous = this.runner.hasConfigPassword();
    this.runner.setConfigPassword(password);
    try {
      await this.dumpRaw();
    } catch (error) {
      if (!previous) this.runner.setConfigPassword(undefined);
      if (error instanceof RemoteError && error.kind === 'password-required') {
        throw new RemoteError('wrong-password', 'The rclone config password is wrong.');
      }
      throw error;
    }
  }

  // Every provider (backend) of the installed rclone, as `rclone config providers` prints them.
  providers(): Promise<readonly RcloneProvider[]> {
    this.providersCache ??= this.runner.runOk(['config', 'providers']).then((r) => parseConfigProviders(r.stdout));
    this.providersCache.catch(() => {
      this.providersCache = undefined;
    });
    return this.providersCache;
  }

  // Lists the remotes with their type, whether they are crypt and what they wrap.
  async list(): Promise<RemoteSummary[]> {
    const dump = await this.dumpRaw();
    return Object.entries(dump)
      .map(([name, options]) => summarise(name, options))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // One remote with its options; secret values masked so they can travel to a UI.
  async get(name: string): Promise<RemoteDetail> {
    assertRemoteName(name);
    const dump = await this.dumpRaw();
    const options = dump[name];
    if (!options) throw new RemoteError('not-found', `There is no remote called "${name}".`);
    const secretKeys = await this.secretKeys(options.type ?? '');
    const masked: Record<string, string> = {};
    for (const [k, v] of Object.entries(options)) {
      if (k === 'type') continue;
      masked[k] = secretKeys.has(k) || isSecretKey(k) ? SECRET_MASK : v;
    }
    return { ...summarise(name, options), options: masked };
  }

  // Creates a remote; password options are obscured first. May return an OAuth-style question.
  async create(name: string, type: string, options: Readonly<Record<string, string>>): Promise<ConfigStep> {
    assertRemoteName(name);
    assertBackendType(type);
    const existing = await this.dumpRaw();
    if (existing[name]) throw new RemoteError('already-exists', `A remote called "${name}" already exists.`);
    await this.checkOptions(type, options, true);
    await this.ensureFile();
    const parameters = await this.optionValues(type, options);
    return this.rcStep('config/create', { name, type, parameters, opt: { nonInteractive: true, noObscure: true } });
  }

  // Changes options of a remote; values equal to SECRET_MASK mean "keep the stored secret".
  async update(name: string, options: Readonly<Record<string, string>>): Promise<ConfigStep> {
    assertRemoteName(name);
    const dump = await this.dumpRaw();
    const current = dump[name];
    if (!current) throw new RemoteError('not-found', `There is no remote called "${name}".`);
    const changed = Object.fromEntries(Object.entries(options).filter(([k, v]) => k !== 'type' && v !== SECRET_MASK));
    if (Object.keys(changed).length === 0) return { kind: 'done' };
    await this.checkOptions(current.type ?? '', changed, false);
    const parameters = await this.optionValues(current.type ?? '', changed);
    return this.rcStep('config/update', { name, parameters, opt: { nonInteractive: true, noObscure: true } });
  }

  // Answers one question of the config state machine (OAuth and friends).
  async continue(name: string, state: string, result: string): Promise<ConfigStep> {
    assertRemoteName(name);
    const token = state.includes('oauth') || result.includes('access_token');
    if (token) this.runner.redactor.add(result);
    return this.rcStep('config/update', { name, parameters: {}, opt: { nonInteractive: true, continue: true, state, result } });
  }

  // Deletes a remote from the config.
  async delete(name: string): Promise<void> {
    assertRemoteName(name);
    const dump = await this.dumpRaw();
    if (!dump[name]) throw new RemoteError('not-found', `There is no remote called "${name}".`);
    await this.runner.runOk(['config', 'delete', name]);
    await this.keepPrivate();
  }

  // Obscures a password the way rclone stores it, passing it on stdin (never on a command line).
  async obscure(secret: string): Promise<string> {
    this.runner.redactor.add(secret);
    const result = await this.runner.runOk(['obscure', '-'], { input: secret });
    const obscured = result.stdout.trim();
    this.runner.redactor.add(obscured);
    return obscured;
  }

  // Lists the top of a remote to prove it answers; a plain reason when it does not.
  async test(name: string, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ConnectionTest> {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const seconds = Math.max(1, Math.floor(timeoutMs / 1000));
    try {
      assertRemoteName(name);
      const result = await this.runner.run(
        ['lsjson', '--max-depth', '1', '--contimeout', `${seconds}s`, '--timeout', `${seconds}s`, '--retries', '1', '--low-level-retries', '1', `${name}:`],
        { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
      );
      if (result.exitCode !== 0) {
        const error = errorFromStderr(result.stderr, result.exitCode);
        // The remote answered, only its folder is not there yet (a new encrypted remote before its
        // first backup): that is an empty remote, and the first backup creates the folder.
        if (error.kind === 'not-found') return { ok: true, entries: 0 };
        return { ok: false, kind: error.kind, reason: error.message, ...(error.stderrTail ? { details: error.stderrTail } : {}) };
      }
      const entries = parseLsjson(result.stdout).length;
      return { ok: true, entries };
    } catch (error) {
      if (error instanceof RemoteError) {
        const reason = error.kind === 'timeout' ? `The remote did not answer within ${seconds} s: check the address and your network.` : error.message;
        return { ok: false, kind: error.kind, reason };
      }
      throw error;
    }
  }

  // The parsed `rclone config dump` (raw values: never hand this to a UI).
  private async dumpRaw(): Promise<Record<string, Record<string, string>>> {
    const result = await this.runner.run(['config', 'dump']);
    if (result.exitCode !== 0) throw errorFromStderr(result.stderr, result.exitCode);
    const dump = parseConfigDump(result.stdout);
    for (const options of Object.values(dump)) {
      for (const [k, v] of Object.entries(options)) if (isSecretKey(k)) this.runner.redactor.add(v);
    }
    return dump;
  }

  // Refuses settings the storage type does not take, before rclone saves them unchecked.
  private async checkOptions(type: string, options: Readonly<Record<string, string>>, creating: boolean): Promise<void> {
    const problems = checkRemoteOptions(await this.providers(), type, options, creating);
    if (problems.length === 0) return;
    const hint = problems.find((p) => p.hint)?.hint;
    throw new RemoteError('invalid-option', problems.map((p) => p.message).join(' '), hint ? { hint } : {});
  }

  // Option keys that are passwords (obscured) for a backend type.
  private async secretKeys(type: string): Promise<Set<string>> {
    const providers = await this.providers();
    const provider = providers.find((p) => p.Name === type || p.Prefix === type);
    return new Set((provider?.Options ?? []).filter((o) => o.IsPassword).map((o) => o.Name));
  }

  // Option values with passwords obscured and every secret registered for redaction.
  private async optionValues(type: string, options: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const passwords = await this.secretKeys(type);
    const values: Record<string, string> = {};
    for (const [key, raw] of Object.entries(options)) {
      assertOption(key, raw);
      let value = raw;
      if (passwords.has(key) && raw !== '') value = await this.obscure(raw);
      else if (isSecretKey(key)) this.runner.redactor.add(raw);
      values[key] = value;
    }
    return values;
  }

  // Runs one config step through the rc API and parses the state machine's answer. The rcd is
  // started for this one step: it reads the config file as it is now, with the password held now
  // (a long-lived rcd that read the file before it was encrypted would write it back in clear).
  private async rcStep(method: 'config/create' | 'config/update', params: Record<string, unknown>): Promise<ConfigStep> {
    const rcd = new RcdClient(this.runner);
    try {
      return configStepFrom(await rcd.call(method, params));
    } catch (error) {
      if (error instanceof RemoteError) throw new RemoteError(error.kind, this.runner.redactor.text(error.message.replace(/^config\/(create|update): /, '')));
      throw error;
    } finally {
      await rcd.close();
      await this.keepPrivate();
    }
  }

  // Creates the config file (and folder) with owner-only permissions when it is missing.
  private async ensureFile(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const handle = await open(this.path, 'a', 0o600);
    await handle.close();
    await this.keepPrivate();
  }

  // Puts the config file back to mode 0600 after rclone has written it.
  private async keepPrivate(): Promise<void> {
    try {
      const info = await stat(this.path);
      if ((info.mode & 0o777) !== 0o600) await chmod(this.path, 0o600);
    } catch {
      // No file yet: nothing to protect.
    }
  }
}

// Parses the JSON rclone prints for `config create|update --non-interactive`.
export function parseConfigStep(stdout: string): ConfigStep {
  const start = stdout.indexOf('{');
  if (start < 0) return { kind: 'done' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.slice(start));
  } catch {
    throw new RemoteError('protocol', 'rclone answered the config step with something unexpected.');
  }
  return configStepFrom(parsed);
}

// Reads the state machine's answer (`{State, Option, Error}`), from the CLI or the rc API.
export function configStepFrom(value: unknown): ConfigStep {
  const step = configStepSchema.safeParse(value);
  if (!step.success) throw new RemoteError('protocol', 'rclone answered the config step with something unexpected.');
  const parsed = step.data;
  if (!parsed.Option || !parsed.State) {
    if (parsed.Error) throw new RemoteError('rclone-failed', parsed.Error);
    return { kind: 'done' };
  }
  return { kind: 'question', question: { state: parsed.State, option: parsed.Option, error: parsed.Error ?? '' } };
}

function summarise(name: string, options: Record<string, string>): RemoteSummary {
  const type = options.type ?? 'unknown';
  const wrapKey = WRAPPING_KEY[type];
  const wraps = wrapKey ? options[wrapKey] : undefined;
  return {
    name,
    type,
    isCrypt: type === 'crypt',
    ...(wraps ? { wraps } : {}),
    ...(type === 's3' && options.provider ? { provider: options.provider } : {}),
  };
}

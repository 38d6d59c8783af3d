// Wires the remotes area into the core: resolves which rclone config to use, builds the
// RemotesService, maps its errors to the contract's error kinds, and provides the handlers.
import { isAbsolute } from 'node:path';
import type { Handlers } from '../../../shared/contract.js';
import type { RemoteCommands } from '../../../shared/contract/remotes.js';
import { type ErrorKind, RepriseError, ok } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import { type RcloneSetup, runRclone } from '../rclone/rclone-env.js';
import { RemoteError, assertNever, type RemoteErrorKind } from './errors.js';
import type { Redactor } from '../redact.js';
import { RemotesService } from './remotes-service.js';

/** What the core hands the remotes area. */
export interface RemotesAreaOptions {
  readonly dataDir: string;
  readonly rclone: () => RcloneSetup;
  /** Who chose the config file in rclone(). */
  readonly configSource: () => 'default' | 'settings' | 'override';
  /** Saves the config file choice in settings (null: rclone's default). */
  readonly saveConfigChoice: (path: string | null) => void;
  readonly events: EventBus;
  /** The core's redactor: the secrets the remotes learn are hidden in run logs, errors and the audit log too. */
  readonly redactor: Redactor;
  /** Names of jobs with a destination on this remote. */
  readonly jobsUsing: (remote: string) => readonly string[];
  /** Extra service options (tests: a stand-in authorize, a home folder, a FUSE check). */
  readonly overrides?: Partial<ConstructorParameters<typeof RemotesService>[0]>;
}

/** The handlers this area owns, plus lifecycle. */
export interface RemotesArea {
  readonly handlers: Pick<Handlers, keyof RemoteCommands | 'remotes:list'>;
  service(): Promise<RemotesService>;
  /** Brings back persisted mounts (hosts that stay up: serve, Electron). */
  start(): Promise<void>;
  /** Stops the sign-in or download with this id (ops:cancel); false when none runs. */
  cancel(id: string): Promise<boolean>;
  /** Stops sign-ins, downloads, unmounts everything, stops rcd. */
  close(): Promise<void>;
  /** The password of an encrypted config once the user unlocked it, for every other rclone child. */
  configPassword(): string | undefined;
}

// Maps the area's error kinds to the contract's, with the next step where we know it.
export function toAppError(error: RemoteError): RepriseError {
  const kind = ((): { kind: ErrorKind; hint?: string } => {
    const k: RemoteErrorKind = error.kind;
    switch (k) {
      case 'invalid-name':
      case 'invalid-option':
        return { kind: 'invalid-request' };
      case 'not-found':
        return { kind: 'not-found' };
      case 'already-exists':
      case 'in-use':
        return { kind: 'conflict' };
      case 'password-required':
        return { kind: 'unauthorized', hint: 'Open Remotes and enter the rclone config password.' };
      case 'wrong-password':
        return { kind: 'unauthorized', hint: 'Check the password of your rclone config and try again.' };
      case 'auth-failed':
        return { kind: 'unauthorized', hint: 'Edit the remote and check its login details.' };
      case 'timeout':
      case 'unreachable':
        return { kind: 'exit-code', hint: 'Check the address and your network, then test again.' };
      case 'cancelled':
        return { kind: 'cancelled' };
      case 'spawn-failed':
        return { kind: 'tool-missing' };
      case 'rclone-failed':
        return { kind: 'exit-code' };
      case 'protocol':
        return { kind: 'internal' };
      default:
        return assertNever(k);
    }
  })();
  return new RepriseError({
    kind: kind.kind,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : kind.hint ? { hint: kind.hint } : {}),
    ...(error.stderrTail ? { detail: error.stderrTail } : {}),
  });
}

// Where rclone keeps its config when none was chosen (`rclone config file`).
export async function defaultConfigPath(setup: RcloneSetup): Promise<string> {
  const r = await runRclone({ ...setup, configFile: null }, { args: ['config', 'file'], keepStdout: true });
  const line = r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  if (r.exitCode !== 0 || !line) {
    throw new RemoteError('spawn-failed', 'rclone could not tell where its config file is. Check that rclone is installed, or choose a config file in Settings.');
  }
  return line;
}

// Builds the area; the service is made on first use for the config chosen at that time.
export function remotesArea(options: RemotesAreaOptions): RemotesArea {
  const redactor = options.redactor;
  let current: { key: string; service: Promise<RemotesService> } | null = null;
  let ready: RemotesService | null = null;
  const service = (): Promise<RemotesService> => {
    const setup = options.rclone();
    const source = options.configSource();
    const key = `${setup.bin}\u0000${setup.configFile ?? ''}\u0000${source}`;
    if (current?.key === key) return current.service;
    const previous = current;
    const made = (async () => {
      if (previous) await (await previous.service.catch(() => null))?.close();
      const configPath = setup.configFile ?? (await defaultConfigPath(setup));
      return new RemotesService({
        rclone: setup,
        configPath,
        dataDir: options.dataDir,
        redactor,
        jobsUsing: options.jobsUsing,
        onRemotesChanged: (remotes) => options.events.emit('remotes:changed', { remotes }),
        onAuthorize: (update) => options.events.emit('remotes:authorize', update),
        onDownload: (update) => options.events.emit('browse:download', update),
        onMountsChanged: (mounts) => options.events.emit('mounts:changed', { mounts }),
        configSource: source,
        ...options.overrides,
      });
    })();
    current = { key, service: made };
    void made.then((s) => (ready = s), () => undefined);
    made.catch(() => {
      if (current?.service === made) current = null;
    });
    return made;
  };

  // Runs one handler body; RemoteErrors become contract errors with plain words.
  const wrap =
    <Req, Res>(body: (s: RemotesService, req: Req) => Promise<Res> | Res) =>
    async (req: Req) => {
      try {
        return ok(await body(await service(), req));
      } catch (error) {
        if (error instanceof RemoteError) throw toAppError(error);
        throw error;
      }
    };

  const handlers: RemotesArea['handlers'] = {
    'remotes:list': wrap((s) => s.list()),
    'remotes:config': wrap((s) => s.configState()),
    'remotes:unlock': wrap((s, req) => s.unlock(req.password)),
    'remotes:use-config': async (req) => {
      if (req.path !== null && !isAbsolute(req.path)) {
        throw new RepriseError({ kind: 'invalid-request', message: 'Choose the rclone config file by its full path.' });
      }
      options.saveConfigChoice(req.path);
      const result = await wrap((s) => s.configState())(undefined);
      if (result.ok) options.events.emit('remotes:changed', { remotes: await (await service()).list().catch(() => []) });
      return result;
    },
    'remotes:providers': wrap((s) => s.providers()),
    'remotes:get': wrap((s, req) => s.get(req.name)),
    'remotes:add': wrap((s, req) => s.add(req.name, req.type, req.options)),
    'remotes:update': wrap((s, req) => s.update(req.name, req.options)),
    'remotes:remove': wrap((s, req) => s.remove(req.name, req.force)),
    'remotes:test': wrap((s, req) => s.test(req.name, req.timeoutMs)),
    'remotes:crypt': wrap((s, req) => s.crypt(req)),
    'browse:list': wrap((s, req) => s.browse(req.remote, req.path)),
    'browse:size': wrap((s, req) => s.size(req.remote, req.path)),
    'browse:about': wrap((s, req) => s.about(req.remote)),
    'browse:download': wrap((s, req) => s.download(req.remote, req.path, req.isDir, req.to)),
    'mounts:list': wrap((s) => s.mountsOverview()),
    'mounts:mount': wrap((s, req) => s.mount(req)),
    'mounts:unmount': wrap((s, req) => s.mounts.unmount(req.mountPoint)),
    'mounts:persist': wrap((s, req) => s.mounts.setPersist(req.mountPoint, req.persist)),
    'mounts:remove': wrap(async (s, req) => {
      await s.mounts.remove(req.mountPoint);
      return { removed: req.mountPoint };
    }),
  };

  return {
    handlers,
    service,
    configPassword: () => ready?.runner.heldConfigPassword(),
    async start() {
      await (await service()).start();
    },
    async cancel(id) {
      // Only a service that exists can have a sign-in or download running: never start one to look.
      const s = current ? await current.service.catch(() => null) : null;
      if (!s) return false;
      return (await s.cancelAuthorize(id)).cancelled || s.cancelDownload(id).cancelled;
    },
    async close() {
      if (!current) return;
      const s = await current.service.catch(() => null);
      current = null;
      ready = null;
      await s?.close();
    },
  };
}

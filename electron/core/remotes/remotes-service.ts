// The remotes area behind one object: the rclone config (list/add/edit/remove/test, encrypted
// configs, OAuth sign-ins, crypt), the remote browser (listing, sizes, quota, downloads) and
// mounts. Hosts call it from contract handlers; it never imports electron.
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import type { RunningChild } from '../process/child.js';
import { parseRcloneLine } from '../rclone/rclone-json.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import { remoteOf } from '../../../shared/remotes/remote-path.js';
import { buildWizardModel, type WizardModel } from '../../../shared/remotes/wizard-model.js';
import type {
  AddRemoteOutcome,
  AuthorizeUpdate,
  BrowseListing,
  ConnectionTest,
  DownloadUpdate,
  MountsOverview,
  MountView,
  RcloneConfigState,
  RemoteDetail,
  RemoteQuota,
  RemoteSummary,
  VfsCacheMode,
} from '../../../shared/remotes/types.js';
import { checkFuse, type FuseStatus } from '../mounts/fuse-check.js';
import { MountStore } from '../mounts/mount-store.js';
import { MountsManager } from '../mounts/mounts-manager.js';
import { RemoteConfig, type ConfigStep } from './config-file.js';
import { createCryptRemote } from './crypt.js';
import { RemoteError } from './errors.js';
import { streamList, type ListEntry } from './listing.js';
import { assertRemoteName, remotePath } from './names.js';
import { completeConfig, startAuthorize, type AuthorizeSession } from './oauth.js';
import { RcdClient } from './rcd.js';
import { RcloneRunner, errorFromStderr } from './rclone-runner.js';

/** Options an OAuth token is issued for: changing one needs a new sign-in. */
const TOKEN_BOUND_OPTIONS = new Set(['scope', 'client_id', 'client_secret', 'auth_url', 'token_url', 'region']);
import { Redactor } from '../redact.js';

/** What the service needs from its host. */
export interface RemotesServiceOptions {
  /** The core's rclone setup (binary, child runner, a config password already known). */
  readonly rclone: RcloneSetup;
  readonly configPath: string;
  readonly dataDir: string;
  readonly redactor?: Redactor;
  /** Names of jobs whose destinations use a remote (remove is refused unless forced). */
  readonly jobsUsing?: (remote: string) => readonly string[];
  /** Home folder for the default mount root. */
  readonly home?: string;
  readonly fuse?: () => Promise<FuseStatus>;
  /** Runs `rclone authorize`; replaceable so tests can use a stand-in. */
  readonly authorize?: (runner: RcloneRunner, type: string) => AuthorizeSession;
  readonly onRemotesChanged?: (remotes: readonly RemoteSummary[]) => void;
  readonly onAuthorize?: (update: AuthorizeUpdate) => void;
  readonly onDownload?: (update: DownloadUpdate) => void;
  readonly onMountsChanged?: (mounts: readonly MountView[]) => void;
  /** Who chose the config file (shown next to its path). */
  readonly configSource?: RcloneConfigState['source'];
}

interface Download {
  readonly child: RunningChild;
  cancelled: boolean;
}

// One per core: owns the rcd child, sign-in children, download children and mounts.
export class RemotesService {
  readonly runner: RcloneRunner;
  readonly config: RemoteConfig;
  readonly rcd: RcdClient;
  readonly mounts: MountsManager;
  readonly redactor: Redactor;
  private readonly sessions = new Map<string, { session?: AuthorizeSession; name: string; cancelled: boolean }>();
  private readonly downloads = new Map<string, Download>();
  private wizard: Promise<WizardModel> | undefined;
  private readonly fuse: () => Promise<FuseStatus>;

  constructor(private readonly options: RemotesServiceOptions) {
    this.redactor = options.redactor ?? new Redactor();
    this.runner = new RcloneRunner({ setup: options.rclone, configPath: options.configPath, redactor: this.redactor });
    this.config = new RemoteConfig(this.runner);
    this.rcd = new RcdClient(this.runner);
    this.fuse = options.fuse ?? (() => checkFuse());
    this.mounts = new MountsManager({
      rcd: this.rcd,
      children: options.rclone.children,
      store: new MountStore(join(options.dataDir, 'mounts.json')),
      fuse: this.fuse,
      ...(options.onMountsChanged ? { onChange: options.onMountsChanged } : {}),
    });
  }

  // ---- config -------------------------------------------------------------------------------

  // Which config file is used, whether it is encrypted and still locked.
  async configState(): Promise<RcloneConfigState> {
    const encrypted = await this.config.isEncrypted();
    return { path: this.config.path, encrypted, locked: encrypted && !this.runner.hasConfigPassword(), source: this.options.configSource ?? 'default' };
  }

  // Opens an encrypted config with its password (kept in memory only).
  async unlock(password: string): Promise<RcloneConfigState> {
    await this.config.unlock(password);
    await this.notifyRemotes();
    return this.configState();
  }

  // The wizard generated from the installed rclone's providers (cached).
  providers(): Promise<WizardModel> {
    this.wizard ??= this.config.providers().then((p) => buildWizardModel(p));
    this.wizard.catch(() => (this.wizard = undefined));
    return this.wizard;
  }

  list(): Promise<RemoteSummary[]> {
    return this.config.list();
  }

  get(name: string): Promise<RemoteDetail> {
    return this.config.get(name);
  }

  // Adds a remote; OAuth backends continue in the background with a browser sign-in.
  async add(name: string, type: string, options: Readonly<Record<string, string>>): Promise<AddRemoteOutcome> {
    const step = await this.config.create(name, type, options);
    return this.finishSteps(name, type, step);
  }

  // Changes options (masked values keep the stored secret).
  // An OAuth remote keeps its token: rclone asks whether to sign in again, and nobody would see
  // that sign-in (the edit form has no sign-in panel). What a token was issued for cannot change
  // under it, so those options are refused with what to do instead.
  async update(name: string, options: Readonly<Record<string, string>>): Promise<RemoteSummary> {
    const detail = await this.config.get(name);
    if (detail.options.token !== undefined) {
      const bound = Object.keys(options).filter((k) => TOKEN_BOUND_OPTIONS.has(k));
      if (bound.length > 0) {
        throw new RemoteError('invalid-option', `"${name}" is signed in with a token for its current ${bound.join(', ')}; changing ${bound.length > 1 ? 'them' : 'it'} needs a new sign-in. Remove the remote and add it again with the new value.`);
      }
    }
    const step = await this.config.update(name, options);
    if (step.kind === 'question') {
      await completeConfig(this.config, name, detail.type, step, {
        authorize: (t) => this.authorizeChild(t),
        answer: (q) => Promise.resolve(q.option.Name === 'config_refresh_token' ? 'false' : (q.option.DefaultStr ?? '')),
      });
    }
    await this.notifyRemotes();
    return (await this.config.list()).find((r) => r.name === name)!;
  }

  // Deletes a remote; refused while a job uses it unless forced. Mounts of it are unmounted.
  async remove(name: string, force = false): Promise<{ removed: string }> {
    assertRemoteName(name);
    const users = this.options.jobsUsing?.(name) ?? [];
    if (users.length > 0 && !force) {
      throw new RemoteError('in-use', `The remote "${name}" is used by ${users.map((u) => `"${u}"`).join(', ')}. Remove it from those jobs first, or confirm to delete it anyway.`);
    }
    for (const m of await this.mounts.list()) {
      if (remoteOf(m.fs) === name) await this.mounts.remove(m.mountPoint);
    }
    await this.config.delete(name);
    await this.notifyRemotes();
    return { removed: name };
  }

  test(name: string, timeoutMs?: number): Promise<ConnectionTest> {
    return this.config.test(name, timeoutMs !== undefined ? { timeoutMs } : {});
  }

  // Creates a crypt remote with the user's (or generated) passwords; they are not returned.
  async crypt(request: { name: string; target: string; password: string; salt: string; encryptNames?: boolean }): Promise<RemoteSummary> {
    await createCryptRemote(this.config, request);
    await this.notifyRemotes();
    return (await this.config.list()).find((r) => r.name === request.name)!;
  }

  // Stops a running sign-in and removes the half-made remote.
  async cancelAuthorize(sessionId: string): Promise<{ cancelled: boolean }> {
    const entry = this.sessions.get(sessionId);
    if (!entry) return { cancelled: false };
    entry.cancelled = true;
    await entry.session?.cancel();
    return { cancelled: true };
  }

  // ---- browser ------------------------------------------------------------------------------

  // Lists one folder of a remote, streamed from rclone so 50k entries stay cheap.
  async browse(remote: string, path: string, signal?: AbortSignal): Promise<BrowseListing> {
    const target = remotePath(remote, path);
    const entries: ListEntry[] = [];
    await streamList(this.runner, target, { onBatch: (batch) => entries.push(...batch), ...(signal ? { signal } : {}) });
    return { remote, path, entries };
  }

  // Total size of a folder, on demand.
  async size(remote: string, path: string): Promise<{ count: number; bytes: number }> {
    const r = await this.rcd.size(remotePath(remote, path));
    return { count: r.count, bytes: r.bytes };
  }

  // Quota where the provider has it; null where it does not.
  async about(remote: string): Promise<RemoteQuota | null> {
    try {
      const a = await this.rcd.about(remotePath(remote, ''));
      const quota: RemoteQuota = {
        ...(a.total !== undefined ? { total: a.total } : {}),
        ...(a.used !== undefined ? { used: a.used } : {}),
        ...(a.free !== undefined ? { free: a.free } : {}),
        ...(a.trashed !== undefined ? { trashed: a.trashed } : {}),
      };
      return Object.keys(quota).length > 0 ? quota : null;
    } catch (error) {
      if (error instanceof RemoteError && /doesn't support about|not supported/i.test(error.message)) return null;
      throw error;
    }
  }

  // Downloads a file or folder into a local folder; progress arrives through onDownload.
  download(remote: string, path: string, isDir: boolean, to: string): { id: string } {
    if (!isAbsolute(to)) throw new RemoteError('invalid-option', 'Choose a full local folder path to download into.');
    const source = remotePath(remote, path);
    const name = basename(path) || remote;
    const target = isDir ? join(to, name) : to;
    const id = randomUUID();
    let last: DownloadUpdate = { id, source, to: target, state: 'running', bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0 };
    let tail = '';
    const child = this.runner.start({
      args: ['copy', '--use-json-log', '--stats', '500ms', '--stats-log-level', 'NOTICE', '--', source, target],
      killAfterMs: 3000,
      onLine: (line, stream) => {
        if (stream !== 'stderr') return;
        const parsed = parseRcloneLine(line);
        if (parsed.type === 'stats') {
          const s = parsed.stats;
          last = { ...last, bytes: s.bytes, totalBytes: s.totalBytes, files: s.transfers, totalFiles: s.totalTransfers, speed: s.speed };
          this.options.onDownload?.(last);
        } else if (line.trim()) tail = line;
      },
    });
    const download: Download = { child, cancelled: false };
    this.downloads.set(id, download);
    void child.result.then((result) => {
      this.downloads.delete(id);
      const state: DownloadUpdate['state'] = download.cancelled ? 'cancelled' : result.exitCode === 0 ? 'done' : 'failed';
      const message = state === 'failed' ? errorFromStderr(this.redactor.text(tail), result.exitCode ?? -1).message : undefined;
      this.options.onDownload?.({ ...last, state, ...(message ? { message } : {}) });
    });
    return { id };
  }

  // Stops a download.
  cancelDownload(id: string): { cancelled: boolean } {
    const d = this.downloads.get(id);
    if (!d) return { cancelled: false };
    d.cancelled = true;
    d.child.stop();
    return { cancelled: true };
  }

  // ---- mounts -------------------------------------------------------------------------------

  // Mount state, FUSE availability and the default mount root.
  async mountsOverview(): Promise<MountsOverview> {
    const fuse = await this.fuse();
    return {
      fuse: fuse.ok ? { ok: true } : { ok: false, reason: fuse.reason, howToInstall: fuse.howToInstall },
      mounts: await this.mounts.list(),
      defaultRoot: this.defaultMountRoot(),
    };
  }

  // Mounts remote:path (read-only unless asked), at a default point under the home folder.
  mount(request: { fs: string; mountPoint?: string; readOnly?: boolean; cacheMode?: VfsCacheMode; persist?: boolean }): Promise<MountView> {
    const mountPoint = request.mountPoint ?? join(this.defaultMountRoot(), request.fs.replace(/[:/\\]+/g, ' ').trim() || 'remote');
    return this.mounts.mount({ ...request, mountPoint });
  }

  // Where mount points go unless the user picks one.
  defaultMountRoot(): string {
    return join(this.options.home ?? homedir(), 'Reprise Mounts');
  }

  // At start: clean stale mount points and bring back the persisted mounts.
  async start(): Promise<void> {
    const saved = await this.mounts.list();
    if (saved.length > 0) await this.mounts.start();
  }

  // On quit: stop sign-ins and downloads, unmount everything, stop rcd.
  async close(): Promise<void> {
    for (const id of [...this.sessions.keys()]) await this.cancelAuthorize(id);
    for (const id of [...this.downloads.keys()]) this.cancelDownload(id);
    await this.mounts.close();
    await this.rcd.close();
  }

  // ---- internals ----------------------------------------------------------------------------

  private authorizeChild(type: string): AuthorizeSession {
    return (this.options.authorize ?? startAuthorize)(this.runner, type);
  }

  private async finishSteps(name: string, type: string, step: ConfigStep): Promise<AddRemoteOutcome> {
    if (step.kind === 'done') {
      await this.notifyRemotes();
      return { status: 'done', remote: (await this.config.list()).find((r) => r.name === name)! };
    }
    const sessionId = randomUUID();
    const entry: { session?: AuthorizeSession; name: string; cancelled: boolean } = { name, cancelled: false };
    this.sessions.set(sessionId, entry);
    const emit = (update: Omit<AuthorizeUpdate, 'sessionId' | 'name'>): void => this.options.onAuthorize?.({ sessionId, name, ...update });
    emit({ state: 'starting' });
    void completeConfig(this.config, name, type, step, {
      authorize: (t) => {
        const session = this.authorizeChild(t);
        entry.session = session;
        if (entry.cancelled) void session.cancel();
        void session.link.then((link) => emit({ state: 'waiting', link }), () => undefined);
        return session;
      },
    })
      .then(async () => {
        emit({ state: 'done' });
        await this.notifyRemotes();
      })
      .catch(async (error: unknown) => {
        const cancelled = entry.cancelled || (error instanceof RemoteError && error.kind === 'cancelled');
        emit({ state: cancelled ? 'cancelled' : 'failed', message: cancelled ? 'Sign-in cancelled; the remote was not saved.' : this.redactor.text(error instanceof Error ? error.message : String(error)) });
        // A half-made remote without a token is useless: remove it.
        await this.config.delete(name).catch(() => undefined);
        await this.notifyRemotes();
      })
      .finally(() => this.sessions.delete(sessionId));
    return { status: 'authorize', sessionId };
  }

  private async notifyRemotes(): Promise<void> {
    if (!this.options.onRemotesChanged) return;
    try {
      this.options.onRemotesChanged(await this.config.list());
    } catch {
      // A locked config cannot be listed; the page asks for the password instead.
    }
  }
}

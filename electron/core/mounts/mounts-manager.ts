// Mounts remote:path folders through the long-lived rcd (`mount/mount`), tracks their state,
// remounts the persisted ones at start, cleans stale mount points left by a crash and unmounts
// everything it made on close.
import { mkdir, readdir, stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { ChildRunner } from '../process/child.js';
import { RemoteError } from '../remotes/errors.js';
import { assertRemoteName } from '../remotes/names.js';
import { remoteOf } from '../../../shared/remotes/remote-path.js';
import type { RcdClient } from '../remotes/rcd.js';
import { checkFuse, type FuseStatus } from './fuse-check.js';
import { readRcloneMounts, type MountTableEntry } from './mount-table.js';
import type { MountSpec, MountStore, VfsCacheMode } from './mount-store.js';
import type { MountState, MountView } from '../../../shared/remotes/types.js';

export type { MountState, MountView };

/** What the caller asks to mount; read-only and no cache by default. */
export interface MountRequest {
  readonly fs: string;
  readonly mountPoint: string;
  readonly readOnly?: boolean;
  readonly cacheMode?: VfsCacheMode;
  readonly persist?: boolean;
}

/** Seams of the manager. */
export interface MountsManagerOptions {
  readonly rcd: RcdClient;
  /** Starts fusermount for mounts rcd lost. */
  readonly children: ChildRunner;
  readonly store: MountStore;
  readonly fuse?: () => Promise<FuseStatus>;
  readonly mountTable?: () => Promise<MountTableEntry[]>;
  /** Called after any state change (for events). */
  readonly onChange?: (mounts: readonly MountView[]) => void;
}

const CACHE_MODE_NUMBER: Record<VfsCacheMode, number> = { off: 0, minimal: 1, writes: 2, full: 3 };

// Owns every mount Reprise makes.
export class MountsManager {
  private specs: MountSpec[] = [];
  private readonly states = new Map<string, MountState>();
  /** Mount points this manager mounted and has not unmounted yet. */
  private readonly owned = new Set<string>();
  private loaded = false;
  private readonly fuse: () => Promise<FuseStatus>;
  private readonly mountTable: () => Promise<MountTableEntry[]>;

  constructor(private readonly options: MountsManagerOptions) {
    this.fuse = options.fuse ?? (() => checkFuse());
    this.mountTable = options.mountTable ?? (() => readRcloneMounts());
  }

  // Every saved mount with its state.
  async list(): Promise<MountView[]> {
    await this.load();
    return this.views();
  }

  // Mounts remote:path at an absolute folder (created when missing, must be empty).
  async mount(request: MountRequest): Promise<MountView> {
    await this.load();
    const spec: MountSpec = {
      fs: request.fs,
      mountPoint: request.mountPoint,
      readOnly: request.readOnly ?? true,
      cacheMode: request.cacheMode ?? 'off',
      persist: request.persist ?? this.specs.find((s) => s.mountPoint === request.mountPoint)?.persist ?? false,
    };
    validate(spec);
    await this.remember(spec);
    await this.mountSpec(spec);
    return this.view(spec);
  }

  // Unmounts one mount point; the saved entry stays (state: unmounted).
  async unmount(mountPoint: string): Promise<MountView> {
    await this.load();
    const spec = this.specs.find((s) => s.mountPoint === mountPoint);
    if (!spec) throw new RemoteError('not-found', `Nothing is mounted by Reprise at ${mountPoint}.`);
    try {
      await this.options.rcd.call('mount/unmount', { mountPoint });
      this.states.set(mountPoint, { kind: 'unmounted' });
      this.owned.delete(mountPoint);
    } catch (error) {
      // rcd may have lost it (e.g. crashed and restarted): fall back to the FUSE helper.
      if (await this.isInTable(mountPoint)) await this.forceUnmount(mountPoint);
      const left = await this.isInTable(mountPoint);
      this.states.set(mountPoint, left ? { kind: 'error', reason: errorText(error) } : { kind: 'unmounted' });
      if (!left) this.owned.delete(mountPoint);
    }
    this.changed();
    return this.view(spec);
  }

  // Forgets a saved mount (unmounting it first).
  async remove(mountPoint: string): Promise<void> {
    await this.load();
    if (this.states.get(mountPoint)?.kind === 'mounted') await this.unmount(mountPoint);
    this.specs = this.specs.filter((s) => s.mountPoint !== mountPoint);
    this.states.delete(mountPoint);
    await this.options.store.save(this.specs);
    this.changed();
  }

  // Marks a mount to come back (or not) when Reprise starts.
  async setPersist(mountPoint: string, persist: boolean): Promise<MountView> {
    await this.load();
    const spec = this.specs.find((s) => s.mountPoint === mountPoint);
    if (!spec) throw new RemoteError('not-found', `No saved mount at ${mountPoint}.`);
    const next = { ...spec, persist };
    await this.remember(next);
    this.changed();
    return this.view(next);
  }

  // At start: clean stale mount points, then mount the ones marked persistent.
  async start(): Promise<MountView[]> {
    await this.load();
    await this.cleanStale();
    for (const spec of this.specs.filter((s) => s.persist)) await this.mountSpec(spec);
    return this.views();
  }

  // Lazily unmounts dead rclone FUSE mounts at our saved mount points: left behind by a crash,
  // they are still in the kernel's table but answer "Transport endpoint is not connected".
  // Live mounts of another process (say the app while the CLI runs) are left alone.
  async cleanStale(): Promise<string[]> {
    await this.load();
    const table = await this.mountTable();
    const cleaned: string[] = [];
    for (const spec of this.specs) {
      if (this.owned.has(spec.mountPoint)) continue;
      if (!table.some((e) => e.mountPoint === spec.mountPoint)) continue;
      if (!(await isDeadMount(spec.mountPoint))) continue;
      await this.forceUnmount(spec.mountPoint);
      cleaned.push(spec.mountPoint);
      this.states.set(spec.mountPoint, { kind: 'unmounted' });
    }
    if (cleaned.length > 0) this.changed();
    return cleaned;
  }

  // Unmounts everything this manager mounted (on quit); saved entries and persist flags stay.
  async close(): Promise<void> {
    if (this.owned.size === 0) return;
    try {
      await this.options.rcd.call('mount/unmountall');
    } catch {
      // rcd is gone already: the table check below catches what is left.
    }
    for (const mountPoint of [...this.owned]) {
      if (await this.isInTable(mountPoint)) await this.forceUnmount(mountPoint);
      this.states.set(mountPoint, { kind: 'unmounted' });
      this.owned.delete(mountPoint);
    }
    this.changed();
  }

  private async mountSpec(spec: MountSpec): Promise<void> {
    const fuse = await this.fuse();
    if (!fuse.ok) {
      this.states.set(spec.mountPoint, { kind: 'error', reason: fuse.reason, howToFix: fuse.howToInstall });
      this.changed();
      return;
    }
    if (this.states.get(spec.mountPoint)?.kind === 'mounted') return;
    try {
      // A leftover from a crash at this point would make the new mount fail: clear it first.
      if ((await this.isInTable(spec.mountPoint)) && (await isDeadMount(spec.mountPoint))) await this.forceUnmount(spec.mountPoint);
      await preparePoint(spec.mountPoint);
      await this.options.rcd.call('mount/mount', {
        fs: spec.fs,
        mountPoint: spec.mountPoint,
        vfsOpt: { ReadOnly: spec.readOnly, CacheMode: CACHE_MODE_NUMBER[spec.cacheMode] },
        mountOpt: { VolumeName: spec.fs.replace(/[:/]+/g, ' ').trim() },
      });
      this.states.set(spec.mountPoint, { kind: 'mounted' });
      this.owned.add(spec.mountPoint);
    } catch (error) {
      this.states.set(spec.mountPoint, { kind: 'error', reason: errorText(error) });
    }
    this.changed();
  }

  private async forceUnmount(mountPoint: string): Promise<void> {
    const fuse = await this.fuse();
    const helper = fuse.ok ? fuse.unmountCommand : undefined;
    if (!helper) return;
    const args = helper.endsWith('umount') ? [mountPoint] : ['-u', '-z', '--', mountPoint];
    await this.options.children.run({ command: helper, args });
  }

  private async isInTable(mountPoint: string): Promise<boolean> {
    return (await this.mountTable()).some((e) => e.mountPoint === mountPoint);
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.specs = await this.options.store.load();
    this.loaded = true;
  }

  private async remember(spec: MountSpec): Promise<void> {
    const i = this.specs.findIndex((s) => s.mountPoint === spec.mountPoint);
    if (i >= 0) this.specs[i] = spec;
    else this.specs.push(spec);
    await this.options.store.save(this.specs);
  }

  private view(spec: MountSpec): MountView {
    const current = this.specs.find((s) => s.mountPoint === spec.mountPoint) ?? spec;
    return { ...current, state: this.states.get(spec.mountPoint) ?? { kind: 'unmounted' } };
  }

  private views(): MountView[] {
    return this.specs.map((s) => this.view(s));
  }

  private changed(): void {
    this.options.onChange?.(this.views());
  }
}

function validate(spec: MountSpec): void {
  const remote = remoteOf(spec.fs);
  if (!remote) throw new RemoteError('invalid-option', 'Choose a remote to mount, e.g. "b2:bucket/music".');
  assertRemoteName(remote);
  if (!isAbsolute(spec.mountPoint)) throw new RemoteError('invalid-option', 'The mount point must be a full folder path.');
  if (/[\r\n]/.test(spec.mountPoint)) throw new RemoteError('invalid-option', 'The mount point cannot contain a line break.');
}

// Creates the mount point when missing and refuses one that holds files (they would be hidden).
async function preparePoint(mountPoint: string): Promise<void> {
  try {
    const info = await stat(mountPoint);
    if (!info.isDirectory()) throw new RemoteError('invalid-option', `${mountPoint} is a file, not a folder.`);
    if ((await readdir(mountPoint)).length > 0) {
      throw new RemoteError('invalid-option', `${mountPoint} is not empty: choose an empty folder so no files get hidden.`);
    }
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') await mkdir(mountPoint, { recursive: true });
    else if (code === 'ENOTCONN' || code === 'ECONNABORTED') throw new RemoteError('rclone-failed', `${mountPoint} is a stale mount: clean it first.`);
    else throw error;
  }
}

// True when a mount point's FUSE server is gone: the kernel answers ENOTCONN (or ECONNABORTED
// right after the server died, or EIO).
async function isDeadMount(mountPoint: string): Promise<boolean> {
  try {
    await stat(mountPoint);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOTCONN' || code === 'ECONNABORTED' || code === 'EIO';
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

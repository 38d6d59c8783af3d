// The list of mounts the user set up, persisted as JSON in the data folder, so the ones marked
// "mount at start" come back after a restart.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import type { VfsCacheMode } from '../../../shared/remotes/types.js';

export type { VfsCacheMode };

/** One mount the user set up. */
export interface MountSpec {
  /** "remote:path" to mount. */
  readonly fs: string;
  /** Absolute local folder. */
  readonly mountPoint: string;
  readonly readOnly: boolean;
  readonly cacheMode: VfsCacheMode;
  /** Mount again when Reprise starts. */
  readonly persist: boolean;
}

const CACHE_MODES: readonly VfsCacheMode[] = ['off', 'minimal', 'writes', 'full'];

// True for a value that is one of rclone's VFS cache modes.
export function isVfsCacheMode(value: unknown): value is VfsCacheMode {
  return typeof value === 'string' && (CACHE_MODES as readonly string[]).includes(value);
}

function isSpec(value: unknown): value is MountSpec {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.fs === 'string' && typeof v.mountPoint === 'string' && typeof v.readOnly === 'boolean' && typeof v.persist === 'boolean' && isVfsCacheMode(v.cacheMode);
}

// Reads and writes the mounts file; a missing or damaged file reads as an empty list.
export class MountStore {
  constructor(readonly file: string) {}

  // Every saved mount; entries that fail validation are dropped rather than trusted.
  async load(): Promise<MountSpec[]> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
      return Array.isArray(parsed) ? parsed.filter(isSpec) : [];
    } catch {
      return [];
    }
  }

  // Replaces the saved list atomically (write then rename).
  async save(specs: readonly MountSpec[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(specs, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}

// The list of mounts the user set up, persisted as JSON in the data folder, so the ones marked
// "mount at start" come back after a restart.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

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

// One entry of mounts.json; the type above is what it reads as.
const mountSpecSchema = z.object({
  fs: z.string(),
  mountPoint: z.string(),
  readOnly: z.boolean(),
  cacheMode: z.enum(['off', 'minimal', 'writes', 'full'] satisfies readonly VfsCacheMode[]),
  persist: z.boolean(),
}) satisfies z.ZodType<MountSpec>;

// Reads and writes the mounts file; a missing or damaged file reads as an empty list.
export class MountStore {
  constructor(readonly file: string) {}

  // Every saved mount; entries that fail validation are dropped rather than trusted.
  async load(): Promise<MountSpec[]> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      if (!Array.isArray(parsed)) return [];
      return parsed.flatMap((entry) => {
        const r = mountSpecSchema.safeParse(entry);
        return r.success ? [r.data] : [];
      });
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

// Settings (jobs included) and where they are kept. Read back through a schema, so a hand-edited or
// half-written file gives a clear error instead of a crash deep in a run.
import { z } from 'zod';
import type { Job } from '../../../shared/model.js';

export const storedDestinationSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['copy', 'snapshot', 'mirror']),
  target: z.string().min(1),
});

export const storedJobSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  sources: z.array(z.string().min(1)).min(1),
  destinations: z.array(storedDestinationSchema).min(1),
  excludes: z.array(z.string()).default([]),
  schedule: z.string().nullable().default(null),
  bwlimit: z.string().nullable().default(null),
  retention: z
    .object({ keepLast: z.number().optional(), keepDaily: z.number().optional(), keepWeekly: z.number().optional(), keepMonthly: z.number().optional() })
    .nullable()
    .default(null),
  staleAfterDays: z.number().int().nullable().default(3),
  transfers: z.number().int().nullable().default(null),
  checkers: z.number().int().nullable().default(null),
  verify: z.boolean().default(false),
  checksum: z.boolean().default(false),
  createdAt: z.string(),
});

export const settingsSchema = z
  .object({
    version: z.literal(1).default(1),
    jobs: z.array(storedJobSchema).default([]),
    /** An rclone config file chosen in settings; null means rclone's own default. */
    rcloneConfig: z.string().nullable().default(null),
  })
  .loose();

/** Settings as the core uses them; unknown keys (from newer versions) are kept as they are. */
export interface Settings {
  readonly version: 1;
  readonly jobs: readonly Job[];
  readonly rcloneConfig: string | null;
  readonly [key: string]: unknown;
}

/** Where settings live. electron-store backs it in the Electron host, a JSON file in the Node host. */
export interface SettingsStore {
  /** Reads the current settings afresh (another process may have changed them). */
  read(): Settings;
  /** Replaces the settings atomically. */
  write(next: Settings): void;
}

/** Reads, changes and writes settings in one step. */
export function updateSettings(store: SettingsStore, change: (current: Settings) => Settings): Settings {
  const next = change(store.read());
  store.write(next);
  return next;
}

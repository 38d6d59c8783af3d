// Restore points, the restore picker, restores and verification.
import { z } from 'zod';
import type { DestinationPoints, ItemVersionInfo, RestoreBrowse, RestoreOutcome, VerifyDestination } from '../restore.js';
import { opIdSchema } from './ops.js';
import { type Command, nameSchema, pathSchema } from './common.js';

const backupPath = z.string().min(1, 'a path inside the backup is required').max(4096).refine((s) => !s.includes('\u0000'), 'a path cannot contain NUL');
const pointId = z.string().trim().min(1).max(64);
/** A destination of the job: its id, its target as shown, or its 1-based position. */
const destRef = z.string().trim().min(1).max(4096);

export const restorePointsSchema = z.object({ name: nameSchema });
export const restoreBrowseSchema = z.object({ name: nameSchema, from: destRef.optional(), at: pointId.default('latest') });
export const restoreVersionsSchema = z.object({ name: nameSchema, path: backupPath });
export const restoreCoverSchema = z.object({ name: nameSchema, from: destRef, at: pointId, path: backupPath });
export const restoreRunSchema = z.object({
  name: nameSchema,
  path: backupPath,
  at: pointId.default('latest'),
  from: destRef.optional(),
  to: pathSchema,
  policy: z.enum(['skip', 'overwrite', 'keep-both']).default('skip'),
  dryRun: z.boolean().default(false),
  /** Chosen by the client so it can match `restore:progress` events to this restore. */
  /** The operation id ops:cancel stops this restore by. */
  restoreId: opIdSchema.optional(),
});
export const verifySchema = z.object({ name: nameSchema, deep: z.boolean().default(false) });

export const restoreSchemas = {
  'restore:points': restorePointsSchema,
  'restore:browse': restoreBrowseSchema,
  'restore:versions': restoreVersionsSchema,
  'restore:cover': restoreCoverSchema,
  'restore:run': restoreRunSchema,
  'verify:run': verifySchema,
} as const;

export interface RestoreCommands {
  /** The restore points of every destination of a job, read from the destinations themselves. */
  'restore:points': Command<z.infer<typeof restorePointsSchema>, readonly DestinationPoints[]>;
  /** Artist → Album index of one restore point (default: latest of the first readable destination). */
  'restore:browse': Command<z.infer<typeof restoreBrowseSchema>, RestoreBrowse>;
  /** Every version of an item across all destinations, newest first. */
  'restore:versions': Command<z.infer<typeof restoreVersionsSchema>, readonly ItemVersionInfo[]>;
  /** A cover image as a data: URL (small images only). */
  'restore:cover': Command<z.infer<typeof restoreCoverSchema>, { readonly dataUrl: string | null }>;
  /** Restores (or previews) one item into a folder. */
  'restore:run': Command<z.infer<typeof restoreRunSchema>, RestoreOutcome>;
  /** Stops a running restore; files restored so far stay where they are. */
  /** Checks the newest restore point of each destination against its record (deep: reads and hashes every byte). */
  'verify:run': Command<z.infer<typeof verifySchema>, readonly VerifyDestination[]>;
}

// Runs: start (stopped by ops:cancel with the answer's opId), wait for the end, history, what changed in a run, its log.
import { z } from 'zod';
import type { RunSummary } from '../model.js';
import { type Command, nameSchema } from './common.js';

export const runStartSchema = z.object({
  name: nameSchema,
  dryRun: z.boolean().default(false),
  trigger: z.enum(['manual', 'cli']).default('manual'),
  /** Mirrors: list and sync everything (catches changes made on the remote) instead of topping up from the record. */
  full: z.boolean().optional(),
});
export const historySchema = z.object({
  name: nameSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  outcome: z.enum(['running', 'success', 'partial', 'failed', 'cancelled', 'interrupted', 'skipped']).optional(),
  /** Runs started at or after / before these epoch ms. */
  since: z.number().int().nonnegative().optional(),
  until: z.number().int().nonnegative().optional(),
});
export const runGetSchema = z.object({ runId: z.number().int().positive() });
export const runWaitSchema = z.object({ runId: z.number().int().positive(), timeoutMs: z.number().int().min(1).max(24 * 3600_000).default(3600_000) }).strict();
export const runChangesSchema = z.object({
  runId: z.number().int().positive(),
  destId: z.string().min(1).max(200).optional(),
  action: z.enum(['added', 'changed', 'deleted']).optional(),
  filter: z.string().max(500).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});
export const runLogSchema = z.object({ runId: z.number().int().positive(), maxBytes: z.number().int().min(1).max(5_000_000).default(200_000) });

export type ChangeActionDto = 'added' | 'changed' | 'deleted';

export interface ChangeEntryDto {
  readonly action: ChangeActionDto;
  readonly path: string;
  readonly size: number | null;
}

export interface DestinationChangesDto {
  readonly destId: string;
  readonly added: number;
  readonly changed: number;
  readonly deleted: number;
  readonly bytes: number;
}

export const runSchemas = {
  'runs:start': runStartSchema,
  'runs:history': historySchema,
  'runs:get': runGetSchema,
  'runs:wait': runWaitSchema,
  'runs:changes': runChangesSchema,
  'runs:log': runLogSchema,
} as const;

export interface RunCommands {
  /** Starts a run in the background; progress and the outcome arrive as events. */
  /** runId is null while the run waits in the queue for a free slot (queued: true). */
  'runs:start': Command<z.infer<typeof runStartSchema>, { readonly runId: number | null; readonly queued: boolean; /** For ops:cancel; null while the run waits in the queue (jobs:cancel stops it there). */ readonly opId: string | null }>;
  'runs:history': Command<z.infer<typeof historySchema>, readonly RunSummary[]>;
  'runs:get': Command<z.infer<typeof runGetSchema>, RunSummary>;
  /** Answers when the run has finished (at once when it already has), with its summary. */
  'runs:wait': Command<z.infer<typeof runWaitSchema>, RunSummary>;
  'runs:changes': Command<z.infer<typeof runChangesSchema>, { readonly counts: readonly DestinationChangesDto[]; readonly entries: readonly ChangeEntryDto[]; readonly total: number }>;
  'runs:log': Command<z.infer<typeof runLogSchema>, { readonly text: string; readonly truncated: boolean; readonly available: boolean; readonly path: string | null }>;
}

// Runs: start, cancel, history.
import { z } from 'zod';
import type { RunSummary } from '../model.js';
import { type Command, nameSchema } from './common.js';

export const runStartSchema = z.object({
  name: nameSchema,
  dryRun: z.boolean().default(false),
  trigger: z.enum(['manual', 'cli']).default('manual'),
});
export const runCancelSchema = z.object({ runId: z.number().int().positive() });
export const historySchema = z.object({
  name: nameSchema.optional(),
  limit: z.number().int().min(1).max(1000).default(50),
  outcome: z.enum(['running', 'success', 'partial', 'failed', 'cancelled', 'interrupted', 'skipped']).optional(),
  /** Runs started at or after / before these epoch ms. */
  since: z.number().int().nonnegative().optional(),
  until: z.number().int().nonnegative().optional(),
});
export const runGetSchema = z.object({ runId: z.number().int().positive() });

export const runSchemas = {
  'runs:start': runStartSchema,
  'runs:cancel': runCancelSchema,
  'runs:history': historySchema,
  'runs:get': runGetSchema,
} as const;

export interface RunCommands {
  /** Starts a run in the background; progress and the outcome arrive as events. */
  /** runId is null while the run waits in the queue for a free slot (queued: true). */
  'runs:start': Command<z.infer<typeof runStartSchema>, { readonly runId: number | null; readonly queued: boolean }>;
  'runs:cancel': Command<z.infer<typeof runCancelSchema>, { readonly cancelled: boolean }>;
  'runs:history': Command<z.infer<typeof historySchema>, readonly RunSummary[]>;
  'runs:get': Command<z.infer<typeof runGetSchema>, RunSummary>;
}

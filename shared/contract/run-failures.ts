// The files a run could not back up, per destination.
import { z } from 'zod';
import type { RunFailures } from '../run-failures.js';
import type { Command } from './common.js';

export const runFailuresSchema = z.object({ runId: z.number().int().positive(), limit: z.number().int().min(1).max(10_000).default(500) });

export const runFailureSchemas = {
  'runs:failures': runFailuresSchema,
} as const;

export interface RunFailureCommands {
  'runs:failures': Command<z.infer<typeof runFailuresSchema>, RunFailures>;
}

// Long operations: one way to stop any of them. Every long command has an operation id — the id
// the caller put in its request (files:transfer/delete `id`, restore:run `restoreId`), or the id its
// answer carries (runs:start `opId`, browse:download `id`, remotes:add `sessionId`) — and
// `ops:cancel` stops it by that id, whichever noun it belongs to.
import { z } from 'zod';
import { type Command } from './common.js';

/** An operation id: a UUID the caller chose or was given, or `run-<run id>` for a backup run. */
export const opIdSchema = z.string().min(1).max(100).regex(/^[A-Za-z0-9-]+$/, 'not an operation id');

/** The operation id of a backup run (any process's: a run elsewhere is asked to stop through its lock). */
export const runOpId = (runId: number): string => `run-${runId}`;

export const opsSchemas = {
  'ops:cancel': z.object({ id: opIdSchema }).strict(),
} as const;

export interface OpsCommands {
  /** Stops a long operation; `cancelled` is false when nothing with that id is running. The operation itself then ends as cancelled. */
  'ops:cancel': Command<z.infer<(typeof opsSchemas)['ops:cancel']>, { readonly cancelled: boolean }>;
}

// File operations on any location, local or on a remote: list, size, make a folder, copy, move,
// sync, delete, each with a dry run; stopped by ops:cancel with the request's `id`; progress as `files:progress` events.
import { z } from 'zod';
import type { FileEntry, FileOpResult } from '../files.js';
import { type Command, pathSchema } from './common.js';

const location = pathSchema;
const change = { dryRun: z.boolean().default(false), force: z.boolean().default(false), id: z.string().uuid().optional() };

export const fileSchemas = {
  'files:list': z.object({ target: location }),
  'files:size': z.object({ target: location }),
  'files:mkdir': z.object({ target: location, ...change }),
  'files:transfer': z.object({
    op: z.enum(['copy', 'move', 'sync']),
    from: location,
    to: location,
    ...change,
    bwlimit: z.string().max(200).optional(),
    checksum: z.boolean().default(false),
    excludes: z.array(z.string().max(1000)).max(200).default([]),
  }),
  'files:delete': z.object({ target: location, ...change }),
} as const;

type Req<K extends keyof typeof fileSchemas> = z.infer<(typeof fileSchemas)[K]>;

export interface FileCommands {
  'files:list': Command<Req<'files:list'>, readonly FileEntry[]>;
  'files:size': Command<Req<'files:size'>, { readonly count: number; readonly bytes: number }>;
  'files:mkdir': Command<Req<'files:mkdir'>, FileOpResult>;
  'files:transfer': Command<Req<'files:transfer'>, FileOpResult>;
  'files:delete': Command<Req<'files:delete'>, FileOpResult>;
}

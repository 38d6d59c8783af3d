// File operations on any location, local or on a remote: list, size, make a folder, copy, move,
// sync, delete, each with a dry run; stopped by ops:cancel with the request's `id`; progress as `files:progress` events.
import { z } from 'zod';
import type { FileEntry, FileOpResult, TrashKind } from '../files.js';
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
  /** Where a delete of this location goes: the remote's trash, or nowhere. */
  'files:trash': z.object({ target: location }),
  /** Opens an upload from the user's computer: its files then arrive over HTTP (UPLOAD_PATH). */
  'files:upload-start': z.object({
    id: z.string().uuid(),
    to: location,
    force: z.boolean().default(false),
    files: z.number().int().min(1).max(1_000_000),
    bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  }),
  /** Copies an upload into `to`: the files that arrived for `id`, or (desktop) the named local files. */
  'files:upload': z.object({
    id: z.string().uuid(),
    to: location,
    dryRun: z.boolean().default(false),
    force: z.boolean().default(false),
    paths: z.array(z.object({ from: pathSchema, name: z.string().min(1).max(4096) })).min(1).max(1_000_000).optional(),
  }),
} as const;

type Req<K extends keyof typeof fileSchemas> = z.infer<(typeof fileSchemas)[K]>;

export interface FileCommands {
  'files:list': Command<Req<'files:list'>, readonly FileEntry[]>;
  'files:size': Command<Req<'files:size'>, { readonly count: number; readonly bytes: number }>;
  'files:mkdir': Command<Req<'files:mkdir'>, FileOpResult>;
  'files:transfer': Command<Req<'files:transfer'>, FileOpResult>;
  'files:delete': Command<Req<'files:delete'>, FileOpResult>;
  'files:trash': Command<Req<'files:trash'>, { readonly kind: TrashKind }>;
  'files:upload-start': Command<Req<'files:upload-start'>, { readonly id: string }>;
  'files:upload': Command<Req<'files:upload'>, FileOpResult>;
}

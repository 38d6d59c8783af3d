// Jobs: what to back up, where to.
import { z } from 'zod';
import type { DestinationInfo, Job, JobStatus } from '../model.js';
import { type Command, type EmptyRequest, emptyRequest, nameSchema, pathSchema } from './common.js';

export const destinationInputSchema = z.object({
  kind: z.enum(['copy', 'snapshot', 'mirror']),
  target: pathSchema,
});

// rclone bandwidth: "off", "4M", "10M:1M" (up:down), or "HH:MM,RATE" / "Mon-HH:MM,RATE" slots.
const rate = String.raw`(?:off|\d+(?:\.\d+)?[bkmgtp]?i?b?(?::(?:off|\d+(?:\.\d+)?[bkmgtp]?i?b?))?)`;
const slot = String.raw`(?:(?:(?:mon|tue|wed|thu|fri|sat|sun)-)?\d{1,2}:\d{2},${rate})`;
export const bwlimitPattern = new RegExp(`^(?:${rate}|${slot}(?: ${slot})*)$`, 'i');

const keepCount = z.number().int().min(0).max(10_000).optional();
export const retentionSchema = z.object({ keepLast: keepCount, keepDaily: keepCount, keepWeekly: keepCount, keepMonthly: keepCount }).strict();

export const jobInputSchema = z.object({
  name: nameSchema,
  sources: z.array(pathSchema).min(1, 'a job needs at least one source folder').max(64),
  destinations: z.array(destinationInputSchema).min(1, 'a job needs at least one destination').max(16),
  excludes: z.array(z.string().min(1).max(1024)).max(256).default([]),
  schedule: z.string().trim().min(1).max(200).nullable().default(null),
  bwlimit: z
    .string()
    .trim()
    .max(500)
    .regex(bwlimitPattern, 'a bandwidth limit looks like "4M" or "08:00,512k 23:00,off"')
    .nullable()
    .default(null),
  /** Optional so callers that predate retention keep compiling; missing means keep every restore point. */
  retention: retentionSchema.nullable().optional(),
  staleAfterDays: z.number().int().min(1).max(365).nullable().default(3),
  transfers: z.number().int().min(1).max(64).nullable().default(null),
  checkers: z.number().int().min(1).max(256).nullable().default(null),
  verify: z.boolean().default(false),
  /** Copies and mirrors compare by checksum (rclone --checksum); optional so older callers keep compiling. */
  checksum: z.boolean().optional(),
});
export type JobInput = z.input<typeof jobInputSchema>;

export const jobRefSchema = z.object({ name: nameSchema });
export const jobUpdateSchema = jobInputSchema.extend({ id: z.string().min(1).max(100) });

export const destinationInfoSchema = z.object({ target: pathSchema });
export const jobCancelSchema = z.object({ name: nameSchema });

export const jobSchemas = {
  'jobs:destination-info': destinationInfoSchema,
  'jobs:list': emptyRequest,
  'jobs:add': jobInputSchema,
  'jobs:remove': jobRefSchema,
  'jobs:update': jobUpdateSchema,
  'jobs:cancel': jobCancelSchema,
  'jobs:holder': jobRefSchema,
} as const;

export interface JobCommands {
  /** Every job with its last run, next run and live progress. */
  'jobs:list': Command<EmptyRequest, readonly JobStatus[]>;
  'jobs:add': Command<z.infer<typeof jobInputSchema>, Job>;
  /** Removes the job; its backups stay where they are. */
  'jobs:remove': Command<z.infer<typeof jobRefSchema>, { readonly removed: string }>;
  /** What a destination can compare files by (times, checksums, size only), with a note for the editor. */
  'jobs:destination-info': Command<z.infer<typeof destinationInfoSchema>, DestinationInfo>;
  /** Replaces a job's settings, keeping its id, history and the ids of unchanged destinations. */
  'jobs:update': Command<z.infer<typeof jobUpdateSchema>, Job>;
  /** Cancels the job's run wherever it runs (this process, or another one via its lock). */
  'jobs:cancel': Command<z.infer<typeof jobCancelSchema>, { readonly cancelled: boolean; readonly where: 'here' | 'other-process' | 'queue' | 'not-running' }>;
  /** Who holds the job's run lock right now, in any process (null: nobody runs it). */
  'jobs:holder': Command<z.infer<typeof jobRefSchema>, { readonly holder: JobHolderDto | null }>;
}

/** The process running a job: its words ("reprise serve", "the Reprise app"), pid, host, since when, and its run. */
export interface JobHolderDto {
  readonly label: string;
  readonly pid: number;
  readonly host: string;
  readonly sinceMs: number;
  /** The run it holds the lock for, when that run is on record (its operation id is runOpId(runId)). */
  readonly runId: number | null;
}

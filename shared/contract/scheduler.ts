// Schedules, the run queue, the tray state and alerts: pause/resume, cancel by job name, what
// changed in a run, its log, alert settings, and the test-only clock control.
import { z } from 'zod';
import type { AlertSettings } from '../alerts.js';
import type { TrayState } from '../tray-state.js';
import { type Command, type EmptyRequest, emptyRequest, nameSchema } from './common.js';

export interface PauseDto {
  readonly sinceMs: number;
  /** null: until resumed by hand. */
  readonly untilMs: number | null;
}

export interface SkippedDto {
  readonly jobId: string;
  readonly count: number;
  readonly firstSlotMs: number;
  readonly lastSlotMs: number;
}

export interface SchedulerStatusDto {
  readonly pause: PauseDto | null;
  /** Slots skipped by the current pause. */
  readonly skipped: readonly SkippedDto[];
  /** Next run time per scheduled job id. */
  readonly nextRuns: Readonly<Record<string, number | null>>;
  /** Job ids running / waiting in this process's queue. */
  readonly running: readonly string[];
  readonly queued: readonly string[];
  readonly concurrency: number;
  /** The core's clock (the test clock when one is in use). */
  readonly now: number;
}

export interface ResumeDto {
  readonly auto: boolean;
  readonly atMs: number;
  readonly skipped: readonly SkippedDto[];
}

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

export const pauseSchema = z.object({ choice: z.enum(['one-hour', 'until-tomorrow', 'until-resumed']) });
export const jobCancelSchema = z.object({ name: nameSchema });
export const testClockSchema = z.object({ advanceToMs: z.number().int().nonnegative() });
export const runChangesSchema = z.object({
  runId: z.number().int().positive(),
  destId: z.string().min(1).max(200).optional(),
  action: z.enum(['added', 'changed', 'deleted']).optional(),
  filter: z.string().max(500).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});
export const runLogSchema = z.object({ runId: z.number().int().positive(), maxBytes: z.number().int().min(1).max(5_000_000).default(200_000) });
const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^https?:\/\/\S+$/i, 'a webhook address starts with https:// or http://');
export const alertSettingsSchema = z.object({
  notifyOnSuccess: z.boolean(),
  webhookUrl: webhookUrl.nullable(),
});
/** The address to test: the one typed in the form (saved or not), else the saved one. */
export const alertTestSchema = z.object({ webhookUrl: webhookUrl.optional() }).strict();

/** How many backups may run at the same time (the rest wait in the queue). */
export const MAX_CONCURRENCY = 8;
export const concurrencySchema = z.object({ concurrency: z.number().int().min(1, 'at least one backup must be allowed to run').max(MAX_CONCURRENCY, `at most ${MAX_CONCURRENCY} backups at once`) });

export const pickFolderSchema = z.object({ title: z.string().max(200).optional() });

export const schedulerSchemas = {
  'scheduler:status': emptyRequest,
  'scheduler:pause': pauseSchema,
  'scheduler:resume': emptyRequest,
  'scheduler:test-clock': testClockSchema,
  'tray:get': emptyRequest,
  'jobs:cancel': jobCancelSchema,
  'runs:changes': runChangesSchema,
  'runs:log': runLogSchema,
  'alerts:get': emptyRequest,
  'alerts:set': alertSettingsSchema,
  'app:pick-folder': pickFolderSchema,
  'alerts:test': alertTestSchema,
  'scheduler:set-concurrency': concurrencySchema,
} as const;

export interface SchedulerCommands {
  'scheduler:status': Command<EmptyRequest, SchedulerStatusDto>;
  /** Pauses every schedule (runs started by hand still run). */
  'scheduler:pause': Command<z.infer<typeof pauseSchema>, PauseDto>;
  /** Resumes schedules and says which runs the pause skipped. */
  'scheduler:resume': Command<EmptyRequest, ResumeDto>;
  /** Test-only: moves the core's manual clock (refused unless serve runs with REPRISE_TEST_CLOCK). */
  'scheduler:test-clock': Command<z.infer<typeof testClockSchema>, { readonly now: number }>;
  'tray:get': Command<EmptyRequest, TrayState>;
  /** Cancels the job's run wherever it runs (this process, or another one via its lock). */
  'jobs:cancel': Command<z.infer<typeof jobCancelSchema>, { readonly cancelled: boolean; readonly where: 'here' | 'other-process' | 'queue' | 'not-running' }>;
  'runs:changes': Command<z.infer<typeof runChangesSchema>, { readonly counts: readonly DestinationChangesDto[]; readonly entries: readonly ChangeEntryDto[]; readonly total: number }>;
  'runs:log': Command<z.infer<typeof runLogSchema>, { readonly text: string; readonly truncated: boolean; readonly available: boolean; readonly path: string | null }>;
  'alerts:get': Command<EmptyRequest, AlertSettings>;
  'alerts:set': Command<z.infer<typeof alertSettingsSchema>, AlertSettings>;
  /** The desktop app's folder picker for the job form; the browser host types paths instead. */
  'app:pick-folder': Command<z.infer<typeof pickFolderSchema>, { readonly path: string | null }>;
  /** Sets (and saves) how many backups run at once; queued runs start at once if the limit rose. */
  'scheduler:set-concurrency': Command<z.infer<typeof concurrencySchema>, { readonly concurrency: number }>;
  /** Sends a test notification to the configured webhook and says whether it arrived. */
  'alerts:test': Command<z.infer<typeof alertTestSchema>, { readonly status: number }>;
}

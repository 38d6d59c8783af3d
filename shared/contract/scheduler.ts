// Schedules: the timetable engine's state, pause/resume, how many runs at once, a wake after sleep,
// checking a cron expression while the user types.
import { z } from 'zod';
import { type Command, type EmptyRequest, emptyRequest } from './common.js';

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

export const pauseSchema = z.object({ choice: z.enum(['one-hour', 'until-tomorrow', 'until-resumed']) });
export const scheduleCheckSchema = z.object({ expression: z.string().max(200), count: z.number().int().min(0).max(10).default(3) }).strict();

/** How many backups may run at the same time (the rest wait in the queue). */
export const MAX_CONCURRENCY = 8;
export const concurrencySchema = z.object({ concurrency: z.number().int().min(1, 'at least one backup must be allowed to run').max(MAX_CONCURRENCY, `at most ${MAX_CONCURRENCY} backups at once`) });

export const schedulerSchemas = {
  'scheduler:status': emptyRequest,
  'scheduler:pause': pauseSchema,
  'scheduler:resume': emptyRequest,
  'scheduler:set-concurrency': concurrencySchema,
  'scheduler:wake': emptyRequest,
  'schedules:check': scheduleCheckSchema,
} as const;

export interface SchedulerCommands {
  'scheduler:status': Command<EmptyRequest, SchedulerStatusDto>;
  /** Pauses every schedule (runs started by hand still run). */
  'scheduler:pause': Command<z.infer<typeof pauseSchema>, PauseDto>;
  /** Resumes schedules and says which runs the pause skipped. */
  'scheduler:resume': Command<EmptyRequest, ResumeDto>;
  /** Sets (and saves) how many backups run at once; queued runs start at once if the limit rose. */
  'scheduler:set-concurrency': Command<z.infer<typeof concurrencySchema>, { readonly concurrency: number }>;
  /** The computer woke up: look at the schedules now (catch-up) instead of at the next timer. */
  'scheduler:wake': Command<EmptyRequest, { readonly now: number }>;
  /** Checks a cron expression with the core's schedule engine: its words and next run times. */
  'schedules:check': Command<z.infer<typeof scheduleCheckSchema>, { readonly expression: string; readonly description: string; readonly nextRuns: readonly number[] }>;
}

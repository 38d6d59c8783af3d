// What the hosts' own surfaces need from the contract: open a view in the window (the tray, a
// notification), start at login, quit, wait for a run, wake the schedules after sleep, and the
// schedule check the job form asks while the user types. The tray and the Electron main process
// use these exactly as the window does: through dispatch, with a Result back.
import { z } from 'zod';
import type { RunSummary } from '../model.js';
import { type Command, type EmptyRequest, emptyRequest, pathSchema } from './common.js';

/** A place in the window: a page, or one run on the History page. */
export const openViewSchema = z.discriminatedUnion('view', [
  z.object({ view: z.enum(['dashboard', 'restore', 'history', 'settings']) }).strict(),
  z.object({ view: z.literal('run'), runId: z.number().int().positive() }).strict(),
]);
export type OpenView = z.infer<typeof openViewSchema>;

export const openFolderSchema = z.object({ path: pathSchema }).strict();
export const startAtLoginSchema = z.object({ enabled: z.boolean() }).strict();
export const runWaitSchema = z.object({ runId: z.number().int().positive(), timeoutMs: z.number().int().min(1).max(24 * 3600_000).default(3600_000) }).strict();
export const scheduleCheckSchema = z.object({ expression: z.string().max(200), count: z.number().int().min(0).max(10).default(3) }).strict();

export const desktopSchemas = {
  'app:open': openViewSchema,
  'app:set-start-at-login': startAtLoginSchema,
  'app:open-folder': openFolderSchema,
  'app:quit': emptyRequest,
  'runs:wait': runWaitSchema,
  'scheduler:wake': emptyRequest,
  'schedules:check': scheduleCheckSchema,
} as const;

export interface DesktopCommands {
  /** Shows the window (desktop app) on a page or a run; every open window hears `app:navigate`. */
  'app:open': Command<OpenView, { readonly opened: true }>;
  /** Turns starting Reprise at login on or off (desktop app only); answers the state now in force. */
  'app:set-start-at-login': Command<z.infer<typeof startAtLoginSchema>, { readonly enabled: boolean }>;
  /** Opens a folder (a mount) in the system's file manager (desktop app only). */
  'app:open-folder': Command<z.infer<typeof openFolderSchema>, { readonly opened: true }>;
  /** Quits the desktop app: runs stop, mounts are unmounted, the core closes. */
  'app:quit': Command<EmptyRequest, { readonly quitting: true }>;
  /** Answers when the run has finished (at once when it already has), with its summary. */
  'runs:wait': Command<z.infer<typeof runWaitSchema>, RunSummary>;
  /** The computer woke up: look at the schedules now (catch-up) instead of at the next timer. */
  'scheduler:wake': Command<EmptyRequest, { readonly now: number }>;
  /** Checks a cron expression with the core's schedule engine: its words and next run times. */
  'schedules:check': Command<z.infer<typeof scheduleCheckSchema>, { readonly expression: string; readonly description: string; readonly nextRuns: readonly number[] }>;
}

// The app itself: its version and tools, and what the desktop app's own surfaces do (open a view
// in the window from the tray or a notification, start at login, open a folder, pick a folder,
// quit). The tray and the Electron main process use these exactly as the window does: through
// dispatch, with a Result back.
import { z } from 'zod';
import type { AppInfo } from '../model.js';
import { type Command, type EmptyRequest, emptyRequest, pathSchema } from './common.js';

/** A place in the window: a page, or one run on the History page. */
export const openViewSchema = z.discriminatedUnion('view', [
  z.object({ view: z.enum(['dashboard', 'restore', 'history', 'settings']) }).strict(),
  z.object({ view: z.literal('run'), runId: z.number().int().positive() }).strict(),
]);
export type OpenView = z.infer<typeof openViewSchema>;

export const openFolderSchema = z.object({ path: pathSchema }).strict();
export const startAtLoginSchema = z.object({ enabled: z.boolean() }).strict();
export const pickFolderSchema = z.object({ title: z.string().max(200).optional() });

export const appSchemas = {
  'app:info': emptyRequest,
  'app:open': openViewSchema,
  'app:set-start-at-login': startAtLoginSchema,
  'app:open-folder': openFolderSchema,
  'app:pick-folder': pickFolderSchema,
  'app:quit': emptyRequest,
} as const;

export interface AppCommands {
  'app:info': Command<EmptyRequest, AppInfo>;
  /** Shows the window (desktop app) on a page or a run; every open window hears `app:navigate`. */
  'app:open': Command<OpenView, { readonly opened: true }>;
  /** Turns starting Reprise at login on or off (desktop app only); answers the state now in force. */
  'app:set-start-at-login': Command<z.infer<typeof startAtLoginSchema>, { readonly enabled: boolean }>;
  /** Opens a folder (a mount) in the system's file manager (desktop app only). */
  'app:open-folder': Command<z.infer<typeof openFolderSchema>, { readonly opened: true }>;
  /** The desktop app's folder picker for the job form; the browser host types paths instead. */
  'app:pick-folder': Command<z.infer<typeof pickFolderSchema>, { readonly path: string | null }>;
  /** Quits the desktop app: runs stop, mounts are unmounted, the core closes. */
  'app:quit': Command<EmptyRequest, { readonly quitting: true }>;
}

// The tray: its state (icon, words, the jobs' menu entries), as the tray and the window show it.
import type { TrayState } from '../tray-state.js';
import { type Command, type EmptyRequest, emptyRequest } from './common.js';

export const traySchemas = {
  'tray:get': emptyRequest,
} as const;

export interface TrayCommands {
  'tray:get': Command<EmptyRequest, TrayState>;
}

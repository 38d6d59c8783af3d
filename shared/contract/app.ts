// The app itself and the user's rclone remotes.
import type { AppInfo, RemoteInfo } from '../model.js';
import { type Command, type EmptyRequest, emptyRequest } from './common.js';

export const appSchemas = {
  'app:info': emptyRequest,
  'remotes:list': emptyRequest,
} as const;

export interface AppCommands {
  'app:info': Command<EmptyRequest, AppInfo>;
  'remotes:list': Command<EmptyRequest, readonly RemoteInfo[]>;
}

// The app itself, the user's rclone remotes, and the folders the browser version's picker shows.
import { z } from 'zod';
import type { FolderListing } from '../folders.js';
import type { AppInfo, RemoteInfo } from '../model.js';
import { type Command, type EmptyRequest, emptyRequest, pathSchema } from './common.js';

export const folderListSchema = z.object({ path: pathSchema.nullable().default(null) }).strict();

export const appSchemas = {
  'app:info': emptyRequest,
  'remotes:list': emptyRequest,
  'folders:list': folderListSchema,
} as const;

export interface AppCommands {
  'app:info': Command<EmptyRequest, AppInfo>;
  'remotes:list': Command<EmptyRequest, readonly RemoteInfo[]>;
  /** Sub-folders of a folder in the home folder or on a mounted drive (null: only where to start), for the folder picker. */
  'folders:list': Command<z.infer<typeof folderListSchema>, FolderListing>;
}

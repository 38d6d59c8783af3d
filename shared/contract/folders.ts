// Folders on this computer, for the browser version's folder picker.
import { z } from 'zod';
import type { FolderListing } from '../folders.js';
import { type Command, pathSchema } from './common.js';

export const folderListSchema = z.object({ path: pathSchema.nullable().default(null) }).strict();

export const folderSchemas = {
  'folders:list': folderListSchema,
} as const;

export interface FolderCommands {
  /** Sub-folders of a folder in the home folder or on a mounted drive (null: only where to start), for the folder picker. */
  'folders:list': Command<z.infer<typeof folderListSchema>, FolderListing>;
}

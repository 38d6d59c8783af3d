// The contract's folders:list: the folders under a path, for the folder pickers.
import type { Handlers } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import { listFolders } from './folder-list.js';

/** The folders:* handlers. */
export function foldersHandlers(): Pick<Handlers, 'folders:list'> {
  return { 'folders:list': async (req) => ok(listFolders(req.path)) };
}

// Where the files of resources/ are at run time: beside the packaged app (electron-builder's
// extraResources copies resources/ to process.resourcesPath/resources), or in the repo.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The resources folder for a packaged or a development app. */
export function resourcesDir(isPackaged: boolean, resourcesPath: string | undefined = process.resourcesPath): string {
  return isPackaged && resourcesPath ? join(resourcesPath, 'resources') : join(repoRoot, 'resources');
}

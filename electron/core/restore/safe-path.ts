// A restore must never read outside its restore point nor write outside the chosen folder: the
// path the user typed is normalised here and every symlink on the way is checked.
import { lstat, opendir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { RestoreError } from './restore-errors.js';

/** Splits a path inside a backup (`music/Pink Floyd/The Wall (1979)`) into safe segments. */
export function splitBackupPath(rel: string): string[] {
  if (rel.includes('\0')) throw new RestoreError('unsafe-path', 'The path contains a NUL character.');
  if (isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel) || rel.startsWith('\\')) {
    throw new RestoreError('unsafe-path', `"${rel}" is an absolute path; give the path as it appears inside the backup, e.g. music/Artist/Album.`);
  }
  const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw new RestoreError('unsafe-path', `"${rel}" climbs out with "..": restore paths must stay inside the backup.`);
  if (parts.length === 0) throw new RestoreError('unsafe-path', 'Give the path of a file or folder inside the backup.');
  return parts;
}

/** True when `child` is `root` itself or lies below it. */
export function isInside(root: string, child: string): boolean {
  const r = resolve(root);
  const c = resolve(child);
  return c === r || c.startsWith(r.endsWith(sep) ? r : r + sep);
}

/** Resolves `segments` below `root` and refuses when a symlink on the way leads out of `root`. */
export async function resolveInsideRoot(root: string, segments: readonly string[]): Promise<string> {
  const realRoot = await realpath(root);
  const target = join(root, ...segments);
  let real: string;
  try {
    real = await realpath(target);
  } catch {
    throw new RestoreError('not-found', `"${segments.join('/')}" is not in this restore point.`);
  }
  if (!isInside(realRoot, real)) {
    throw new RestoreError('unsafe-path', `"${segments.join('/')}" is a link that points outside the backup; it is not restored.`);
  }
  return target;
}

/**
 * Checks an existing item in the target folder before writing into it: the item itself and every
 * symlink inside it must not lead out of `targetRoot`, or rsync could be made to write elsewhere.
 */
export async function assertWritableInside(targetRoot: string, item: string): Promise<void> {
  const realRoot = await realpath(targetRoot);
  if (!isInside(realRoot, await realpath(dirname(item)))) {
    throw new RestoreError('unsafe-path', `${item} is not inside ${targetRoot}.`);
  }
  let info;
  try {
    info = await lstat(item);
  } catch {
    return; // nothing there yet
  }
  const checkLink = async (link: string): Promise<void> => {
    const to = resolve(dirname(link), await readlink(link));
    if (!isInside(realRoot, to)) {
      throw new RestoreError('unsafe-path', `${link} is a link that points outside ${targetRoot}; remove it or restore elsewhere.`);
    }
  };
  if (info.isSymbolicLink()) return checkLink(item);
  if (!info.isDirectory()) return;
  const stack = [item];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for await (const entry of await opendir(dir)) {
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) await checkLink(full);
      else if (entry.isDirectory()) stack.push(full);
    }
  }
}

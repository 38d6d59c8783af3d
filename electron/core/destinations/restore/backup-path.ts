// The path of an item inside a backup, as a user types it: normalised into segments, and refused
// when it climbs out, is absolute or holds a NUL. (Writes stay inside the target: restore-tree.ts.)
import { isAbsolute } from 'node:path';
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

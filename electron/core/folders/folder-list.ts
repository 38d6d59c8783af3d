// Lists folders for the browser version's folder picker (the desktop app has a native dialog).
// Only below the places a user of this machine could pick from in any file dialog: the home folder
// and mounted drives (/media, /mnt, /run/media/USER, /Volumes). Paths are resolved (symlinks too)
// before the check, so a link inside the home folder pointing at /etc lists nothing; hidden
// folders are left out; files are never listed.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { FolderEntry, FolderListing, FolderRoot } from '../../../shared/folders.js';
import { raise } from '../../../shared/result.js';

const MAX_FOLDERS = 2000;

/** Where the picker may start: the home folder and each mounted drive found. */
export function folderRoots(home: string = homedir()): FolderRoot[] {
  const roots: FolderRoot[] = [{ label: 'Home', path: home }];
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // no user name (a container): /run/media/<user> is then not looked at
  }
  const parents = ['/media', '/mnt', '/Volumes', ...(user ? [`/run/media/${user}`, `/media/${user}`] : [])];
  for (const parent of parents) {
    for (const name of safeDirs(parent)) {
      const path = join(parent, name);
      // /media/<user> itself is a folder of drives, not a drive.
      if (path === `/media/${user}`) continue;
      if (!roots.some((r) => r.path === path)) roots.push({ label: name, path });
    }
  }
  return roots;
}

function safeDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && isDir(join(dir, e.name)))))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function inside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The sub-folders of `path` (or only the starting places when path is null), refusing anything outside them. */
export function listFolders(path: string | null, home: string = homedir()): FolderListing {
  const roots = folderRoots(home);
  if (path === null) return { path: null, parent: null, folders: [], truncated: false, roots };
  if (!isAbsolute(path)) raise('invalid-request', `"${path}" is not a full path.`, { hint: 'Start from your home folder or a drive.' });
  let real: string;
  try {
    real = realpathSync(resolve(path));
  } catch {
    raise('not-found', `The folder "${path}" does not exist.`, { hint: 'Pick another one, or type the path of a new folder: a restore creates it.' });
  }
  // Checked on resolved paths on both sides: a root may itself be a link (/home → /usr/home).
  const realRoots = roots.map((r) => ({ root: r, real: safeReal(r.path) })).filter((r): r is { root: FolderRoot; real: string } => r.real !== null);
  const within = realRoots.filter((r) => inside(real, r.real)).sort((a, b) => b.real.length - a.real.length)[0];
  if (!within) raise('invalid-request', `Reprise lists folders only inside your home folder and on mounted drives; "${path}" is elsewhere.`, { hint: 'Type the full path instead, if that is really where it should go.' });
  if (!isDir(real)) raise('invalid-request', `"${path}" is a file, not a folder.`);
  // A link that leads outside is not offered either: opening it would only be refused.
  const allowed = (p: string) => {
    const r = safeReal(p);
    return r !== null && realRoots.some((x) => inside(r, x.real));
  };
  const names = safeDirs(real)
    .filter((n) => allowed(join(real, n)))
    .sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true }));
  const folders: FolderEntry[] = names.slice(0, MAX_FOLDERS).map((name) => ({ name, path: join(real, name) }));
  const parent = real === within.real ? null : dirname(real);
  return { path: real, parent, folders, truncated: names.length > MAX_FOLDERS, roots };
}

function safeReal(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}


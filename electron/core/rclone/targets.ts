// Destination targets: a local absolute path or REMOTE:PATH, told apart the way rclone does.
import { isAbsolute, posix } from 'node:path';

export type Target =
  | { readonly type: 'local'; readonly path: string }
  | { readonly type: 'remote'; readonly remote: string; readonly path: string };

// rclone remote names: letters, digits, _ - . + @ and inner spaces; no leading dash or space.
const remoteName = /^[\p{L}\p{N}_.+@][\p{L}\p{N}_.+@ -]*$/u;

/** Whether a string is an acceptable rclone remote name. */
export function isValidRemoteName(name: string): boolean {
  return name.length > 0 && name.length <= 100 && remoteName.test(name) && !name.endsWith(' ');
}

/** Reads a target string: `name:path` is a remote (unless it looks like C:\ on Windows), else local. */
export function parseTarget(text: string, platform: NodeJS.Platform = process.platform): Target {
  const colon = text.indexOf(':');
  const slash = text.search(/[/\\]/);
  const windowsDrive = platform === 'win32' && /^[a-zA-Z]:[\\/]/.test(text);
  if (colon > 0 && (slash === -1 || colon < slash) && !windowsDrive) {
    return { type: 'remote', remote: text.slice(0, colon), path: text.slice(colon + 1) };
  }
  return { type: 'local', path: text };
}

/** Joins a sub-folder onto a target string, keeping REMOTE: prefixes intact. */
export function joinTarget(target: string, child: string): string {
  const t = parseTarget(target);
  if (t.type === 'remote') {
    const joined = t.path === '' ? child : posix.join(t.path, child);
    return `${t.remote}:${joined}`;
  }
  return posix.join(t.path, child);
}

/** Whether a local path is absolute (only absolute paths are passed to children: never read as flags). */
export function isAbsoluteLocal(path: string): boolean {
  return isAbsolute(path);
}

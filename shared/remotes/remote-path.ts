// The one reading of rclone targets, for the core, the contract's schemas and the window alike:
// `REMOTE:PATH` or a local path, told apart the way rclone does (a colon before any slash names a
// remote), and joined without breaking the `REMOTE:` prefix. Pure: no Node, no DOM.
import { remoteNameProblem } from './names.js';

export type Target =
  | { readonly type: 'local'; readonly path: string }
  | { readonly type: 'remote'; readonly remote: string; readonly path: string };

/** Windows drive paths (`C:\Backups`) look like a remote named C; the core says when it runs there. */
export interface TargetOptions {
  readonly windows?: boolean;
}

/** Reads a target: `name:path` is a remote (unless it is a Windows drive path), anything else local. */
export function parseTarget(text: string, options: TargetOptions = {}): Target {
  const colon = text.indexOf(':');
  const slash = text.search(/[/\\]/);
  const drive = options.windows === true && /^[a-zA-Z]:[\\/]/.test(text);
  if (colon > 0 && (slash === -1 || colon < slash) && !drive) return { type: 'remote', remote: text.slice(0, colon), path: text.slice(colon + 1) };
  return { type: 'local', path: text };
}

/** The remote a target is on (`dav:music` → `dav`); null for a local path. */
export function remoteOf(text: string, options: TargetOptions = {}): string | null {
  const t = parseTarget(text, options);
  return t.type === 'remote' ? t.remote : null;
}

/** `remote:path` from its parts. */
export function remoteTarget(remote: string, path = ''): string {
  return `${remote}:${path}`;
}

/** Joins path parts onto `REMOTE:PATH` or a local path, keeping the `REMOTE:` prefix (like posix.join). */
export function joinTarget(target: string, ...parts: readonly string[]): string {
  const rest = parts.filter((p) => p.length > 0);
  if (rest.length === 0) return target;
  const t = parseTarget(target);
  const joined = joinPath(...(t.path === '' ? rest : [t.path, ...rest]));
  return t.type === 'remote' ? remoteTarget(t.remote, joined) : joined;
}

/**
 * A remote folder named as one (a trailing slash): rclone then takes it for a folder without asking
 * the remote whether it is a file, a request less per command on S3 and the like. A remote's root
 * (`remote:`), a local path and a path that already ends in a slash are given back as they are.
 */
export function folderTarget(target: string): string {
  const t = parseTarget(target);
  if (t.type !== 'remote' || t.path === '' || t.path.endsWith('/')) return target;
  return `${target}/`;
}

/** Why `remote:path` typed by a user is unusable (no remote, a bad name); undefined when fine. */
export function remoteTargetProblem(text: string): string | undefined {
  const t = parseTarget(text);
  if (t.type !== 'remote') return 'Write it as remote:path, e.g. "b2:bucket/music".';
  return remoteNameProblem(t.remote);
}

/** posix.join for the browser too: segments joined by one slash, `.` and `..` resolved, a leading / and a trailing / kept. */
export function joinPath(...parts: readonly string[]): string {
  const text = parts.filter((p) => p.length > 0).join('/');
  if (text === '') return '.';
  const absolute = text.startsWith('/');
  const trailing = text.endsWith('/');
  const out: string[] = [];
  for (const s of text.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (s === '..' && absolute) continue;
    else out.push(s);
  }
  const body = out.join('/');
  if (absolute) return `/${body}${trailing && body ? '/' : ''}`;
  if (body === '') return trailing ? './' : '.';
  return `${body}${trailing ? '/' : ''}`;
}

// A job's source may be a folder on an rclone remote (`gdrive:Music`) as well as a local folder.
// This names such a source, gives its folder name in the backup, and asks the remote whether it can
// be read now: an unreachable source must end a run before any destination is touched, never look
// like an empty folder.
import { basename, posix } from 'node:path';
import type { RcloneExec } from '../rclone/rclone-exec.js';
import { networkReason } from '../rclone/plain-reason.js';
import { type LsjsonItem, RcloneOutputError, parseBackendFeatures, parseLsjsonStat } from '../rclone/rclone-output.js';
import { parseTarget } from '../../../shared/remotes/remote-path.js';

/** Whether a source is REMOTE:PATH rather than a local folder. */
export function isRemoteSource(source: string): boolean {
  return parseTarget(source).type === 'remote';
}

/** The name a source has in the backup: its last folder name (the remote's name for a remote's root). */
export function sourceBaseName(source: string): string {
  const t = parseTarget(source);
  if (t.type === 'local') return basename(source) || source;
  const trimmed = t.path.replace(/\/+$/, '');
  return trimmed === '' ? t.remote : posix.basename(trimmed);
}

/** What asking a remote source gave. */
export type SourceProbe =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'source-missing' | 'source-unreachable' | 'cancelled'; readonly message: string };

/** Flags of a quick question to a remote: one try, no long waits (a dead server answers in seconds). */
export const PROBE_ARGS = ['--retries', '1', '--low-level-retries', '1', '--contimeout', '15s', '--timeout', '30s'];

/** Plain words for why a remote source could not be listed, from rclone's text. */
export function unreachableWords(source: string, text: string): string {
  const remote = parseTarget(source).type === 'remote' ? (parseTarget(source) as { remote: string }).remote : null;
  return `Source unreachable: ${source} could not be read (${networkReason(remote, text) ?? text}).`;
}

/** Asks the remote whether the source folder is there and readable. */
export async function probeRemoteSource(exec: RcloneExec, source: string, signal?: AbortSignal): Promise<SourceProbe> {
  const r = await exec({ args: [...PROBE_ARGS, 'lsjson', '--stat', '--no-mimetype', '--', source], stallAfterMs: 0, ...(signal ? { signal } : {}) });
  if (r.cancelled) return { ok: false, kind: 'cancelled', message: 'Stopped.' };
  const text = r.stderrTail.filter((l) => l.trim()).at(-1) ?? `rclone exit ${r.exitCode}`;
  if (r.exitCode === 3 || r.exitCode === 4 || /directory not found|object not found|not found/i.test(r.exitCode === 0 ? '' : text)) {
    return { ok: false, kind: 'source-missing', message: `The source folder ${source} does not exist on the remote. Nothing was changed at any destination.` };
  }
  if (r.exitCode !== 0) return { ok: false, kind: 'source-unreachable', message: `${unreachableWords(source, text)} Nothing was changed at any destination.` };
  let item: LsjsonItem;
  try {
    item = parseLsjsonStat(r.stdout);
  } catch (e) {
    const problem = e instanceof RcloneOutputError ? e.problem : 'the remote gave no answer rclone could read';
    return { ok: false, kind: 'source-unreachable', message: `${unreachableWords(source, problem)} Nothing was changed at any destination.` };
  }
  if (!item.IsDir) return { ok: false, kind: 'source-missing', message: `The source ${source} is a file, not a folder.` };
  return { ok: true };
}

/** Whether a remote keeps modification times (rclone marks "no" with a precision of 100 years). */
export async function remoteKeepsTimes(exec: RcloneExec, target: string, signal?: AbortSignal): Promise<boolean> {
  const r = await exec({ args: [...PROBE_ARGS, 'backend', 'features', '--', target], stallAfterMs: 0, ...(signal ? { signal } : {}) });
  try {
    return parseBackendFeatures(r.stdout).modtimes;
  } catch {
    // Not known: treated as keeping no times, the careful answer.
    return false;
  }
}

// What a destination can compare files by, in words for the job editor and `job add`: a remote that
// keeps neither modification times nor checksums (plain WebDAV) would let rclone compare by size
// alone, so a same-size edit would never be uploaded; Reprise says so and what it does about it.
import type { DestinationInfo } from '../../../shared/model.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import { isLocalTarget } from '../scheduler/destination-presence.js';
import { execFor } from './rclone-flags.js';
import { type BackendFeatures, RcloneOutputError, parseBackendFeatures } from '../rclone/rclone-output.js';
import { remoteOf, remoteTarget } from '../../../shared/remotes/remote-path.js';

/** Asks rclone what the destination's backend supports. */
export async function destinationInfo(target: string, rclone: RcloneSetup): Promise<DestinationInfo> {
  if (isLocalTarget(target)) return { target, comparison: 'modtime-and-hash', note: null };
  const name = remoteOf(target);
  if (name === null) return { target, comparison: 'unknown', note: null };
  const exec = execFor(rclone);
  const remote = remoteTarget(name);
  const r = await exec({ args: ['backend', 'features', '--', remote] });
  if (r.exitCode !== 0) return { target, comparison: 'unknown', note: `Could not ask ${remote} what it supports: ${r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`}` };
  let f: BackendFeatures;
  try {
    f = parseBackendFeatures(r.stdout);
  } catch (e) {
    return { target, comparison: 'unknown', note: e instanceof RcloneOutputError ? e.message : null };
  }
  const modtimes = f.modtimes;
  const hashes = f.hashes.length > 0;
  if (modtimes && hashes) return { target, comparison: 'modtime-and-hash', note: null };
  if (modtimes) return { target, comparison: 'modtime', note: null };
  if (hashes) return { target, comparison: 'hash', note: null };
  return {
    target,
    comparison: 'size-only',
    note: `${remote} keeps no modification times and no checksums, so rclone alone compares files by size only. A mirror re-uploads every file its record shows as changed (a same-size edit too); a copy cannot, so prefer a mirror here. "reprise verify --deep" reads the files back to check them.`,
  };
}

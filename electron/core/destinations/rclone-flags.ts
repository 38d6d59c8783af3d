// How destination kinds run rclone: one exec built from the core's rclone setup (binary, config,
// environment, the stall watchdog), and the job's transfer options as flags — bandwidth (a rate or
// a timetable), parallel transfers, checkers and checksum compare — the same for copy and mirror.
import type { Job } from '../../../shared/model.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import { type RcloneExec, createRcloneExec } from '../rclone/rclone-exec.js';
import { DEFAULT_STALL_MS } from '../process/stall-watch.js';

/** An rclone exec for a destination: a transfer that moves nothing for the stall time is ended. */
export function execFor(setup: RcloneSetup): RcloneExec {
  return createRcloneExec({ ...setup, stallAfterMs: setup.stallAfterMs ?? DEFAULT_STALL_MS });
}

/** --bwlimit, --transfers, --checkers and --checksum from the job; excludes are passed by each kind where they apply. */
export function jobTransferFlags(job: Pick<Job, 'bwlimit' | 'transfers' | 'checkers' | 'checksum'>): string[] {
  return [
    ...(job.checksum ? ['--checksum'] : []),
    ...(job.bwlimit ? [`--bwlimit=${job.bwlimit}`] : []),
    ...(job.transfers ? [`--transfers=${job.transfers}`] : []),
    ...(job.checkers ? [`--checkers=${job.checkers}`] : []),
  ];
}

/** A literal path as an rclone filter glob: the characters rclone reads as pattern syntax are escaped. */
export function escapeGlob(path: string): string {
  return path.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`);
}

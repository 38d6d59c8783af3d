// The job's transfer options as rclone flags, the same for every kind that runs rclone (copy and
// mirror): bandwidth (a rate or a timetable), parallel transfers, checkers and checksum compare.
import type { Job } from '../../../shared/model.js';

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

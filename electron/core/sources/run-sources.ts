// Before a run touches any destination, every source must be there: a local folder on disk, a remote
// folder answering. An unreachable remote source fails the run as "source unreachable" and leaves
// every destination as it was.
import type { Job } from '../../../shared/model.js';
import { raise } from '../../../shared/result.js';
import { checkSourceFolder } from '../jobs/job-service.js';
import { execFor } from '../destinations/rclone-flags.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import { isRemoteSource, probeRemoteSource } from './remote-source.js';

/** Checks every source of the job; raises with plain words for the first that cannot be used. */
export async function checkRunSources(job: Pick<Job, 'sources'>, rclone: RcloneSetup, signal?: AbortSignal): Promise<void> {
  for (const s of job.sources) {
    if (!isRemoteSource(s)) {
      checkSourceFolder(s);
      continue;
    }
    const probe = await probeRemoteSource(execFor(rclone), s, signal);
    if (probe.ok) continue;
    if (probe.kind === 'cancelled') raise('cancelled', 'The run was stopped before it started.');
    raise(probe.kind === 'source-missing' ? 'source-missing' : 'exit-code', probe.message, { hint: 'Check that the remote is reachable (reprise remote test NAME), then run again.' });
  }
}

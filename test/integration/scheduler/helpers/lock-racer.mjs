// A separate Node process that competes for a job lock. Protocol on stdio (one JSON per line):
// prints {"event":"ready"}; on "go" tries the lock and prints "acquired" or "refused"; a winner
// holds the lock until "release", then exits.
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../support/strip-types-resolve.mjs';

const [dbFile, jobId, markerDir] = process.argv.slice(2);
const { JobLocks } = await import('../../../../electron/core/scheduler/job-lock.ts');
const locks = new JobLocks(dbFile);
const say = (o) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...o })}\n`);
let held = null;
const rl = createInterface({ input: process.stdin });
say({ event: 'ready' });
for await (const line of rl) {
  if (line === 'go') {
    const res = locks.acquire(jobId, 'Music', 'reprise run');
    if (res.ok) {
      held = res.lock;
      writeFileSync(join(markerDir, `ran-${process.pid}`), 'ran');
      say({ event: 'acquired' });
    } else {
      say({ event: 'refused', kind: res.error.kind, message: res.error.message, holderPid: res.error.holder.pid });
      break;
    }
  } else if (line === 'release') {
    held?.release();
    break;
  }
}
locks.close();
process.exit(0);

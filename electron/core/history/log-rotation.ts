// Run logs are one file per run; without rotation a daily job leaves thousands behind. Keep the
// newest N and at most M bytes, never touching the log of a run that is still going.
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface RotationPolicy {
  readonly keepFiles: number;
  readonly maxBytes: number;
}

export const DEFAULT_LOG_ROTATION: RotationPolicy = { keepFiles: 500, maxBytes: 500 * 1000 * 1000 };

/** Deletes the oldest `run-<id>.log` files beyond the policy; returns the run ids whose logs went. */
export function rotateRunLogs(logDir: string, policy: RotationPolicy = DEFAULT_LOG_ROTATION, keepRunIds: ReadonlySet<number> = new Set()): number[] {
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch {
    return [];
  }
  const logs = names
    .map((name) => ({ name, id: Number(/^run-(\d+)\.log$/.exec(name)?.[1] ?? NaN) }))
    .filter((l) => Number.isInteger(l.id))
    .map((l) => {
      let size = 0;
      try {
        size = statSync(join(logDir, l.name)).size;
      } catch {
        /* vanished meanwhile */
      }
      return { ...l, size };
    })
    // Run ids grow with time, so the id orders logs by age without trusting mtimes.
    .sort((a, b) => b.id - a.id);
  const removed: number[] = [];
  let bytes = 0;
  let kept = 0;
  for (const log of logs) {
    if (keepRunIds.has(log.id) || (kept < policy.keepFiles && bytes + log.size <= policy.maxBytes) || kept === 0) {
      kept++;
      bytes += log.size;
      continue;
    }
    try {
      unlinkSync(join(logDir, log.name));
      removed.push(log.id);
    } catch {
      /* already gone */
    }
  }
  return removed;
}

// What counts as "something moved" for the stall watchdog: rclone's stats counters changing
// (bytes, checks, transfers, deletes, what it has found to do) or a file finished. The stats line
// itself arrives every second even from a transfer that is stuck, so its arrival proves nothing.
import type { StallWatch } from '../process/stall-watch.js';
import { type RcloneLine, type RcloneStats, parseRcloneLine } from './rclone-json.js';

function signature(s: RcloneStats): string {
  const moving = s.transferring.reduce((n, t) => n + t.bytes, 0);
  // Errors count too: a server answering with errors is alive, and rclone ends such a run itself.
  return [s.bytes, moving, s.checks, s.transfers, s.deletes, s.errors, s.totalChecks, s.totalTransfers, s.totalBytes].join('|');
}

/** Feeds parsed rclone lines to a stall watch; a no-op without one. */
export function rcloneActivity(watch: StallWatch | undefined): (line: RcloneLine) => void {
  let last = '';
  return (line) => {
    if (!watch) return;
    if (line.type === 'file') watch.touch();
    else if (line.type === 'stats') {
      const sig = signature(line.stats);
      if (sig !== last) {
        last = sig;
        watch.touch();
      }
    }
  };
}

/** The same for raw log lines. */
export function rcloneLineActivity(watch: StallWatch | undefined): (line: string) => void {
  const feed = rcloneActivity(watch);
  return (line) => {
    if (watch) feed(parseRcloneLine(line));
  };
}

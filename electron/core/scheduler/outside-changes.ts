// Other processes write the same history and settings: a `reprise run` from a terminal or cron,
// `reprise job add`. Without looking, the header and the cards learned of them only at the next
// minute's heartbeat (a finished CLI run showed "All backups OK" for up to a minute). SQLite's
// data_version changes only for other connections' commits, so asking it each second costs
// nothing while nobody else writes.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { History } from '../history/history.js';

export interface OutsideChangesOptions {
  readonly dataDir: string;
  readonly history: History;
  /** settings.json changed (jobs added, changed or removed elsewhere). */
  readonly jobsChanged: () => void;
  /** Another process committed to the history. */
  readonly historyChanged: () => void;
}

/** A look to call every second or so: it calls back only for what changed since the last look. */
export function outsideChanges(o: OutsideChangesOptions): () => void {
  let seenHistory = o.history.outsideVersion();
  const settingsFile = join(o.dataDir, 'settings.json');
  const settingsStamp = () => {
    try {
      const s = statSync(settingsFile);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '';
    }
  };
  let seenSettings = settingsStamp();
  return () => {
    const version = o.history.outsideVersion();
    const stamp = settingsStamp();
    if (stamp !== seenSettings) {
      seenSettings = stamp;
      o.jobsChanged();
    }
    if (version !== seenHistory) {
      seenHistory = version;
      o.historyChanged();
    }
  };
}

// A manifest per mirror run, stored in TARGET/manifests/<run id>.json as one JSON line, so all of
// them can be read back with a single `rclone cat` from a destination alone.
import type { SnapshotOutcome } from './manifest.js';

/** How a mirror run ended. */
export type MirrorOutcome = SnapshotOutcome | 'failed' | 'guard-stopped' | 'cancelled';

/** One source of a mirror run. */
export interface MirrorSourceRecord {
  readonly path: string;
  readonly base: string;
  /** Files and bytes of the source at run time: what `current/<base>` holds after a good run. */
  readonly files: number;
  readonly bytes: number;
  /** Paths (relative to `current/`) this run created; needed to rebuild older states. */
  readonly added: readonly string[];
  readonly transferred: number;
  readonly versioned: number;
  readonly outcome: MirrorOutcome;
  readonly error: string | null;
}

/** Everything a mirror run says about itself. */
export interface MirrorManifest {
  readonly format: 'reprise-mirror';
  readonly formatVersion: 1;
  readonly id: string;
  readonly job: { readonly id: string; readonly name: string };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly outcome: MirrorOutcome;
  readonly sources: readonly MirrorSourceRecord[];
  readonly repriseVersion: string;
  /** Set on the returned manifest (never stored) when nothing changed and no new restore point was written. */
  readonly unchanged?: boolean;
  /**
   * Bumped each time retention folds an earlier run into this one (absent = 0). While a fold is
   * under way two files hold this id; the higher revision is the one in force.
   */
  readonly revision?: number;
  /** The run retention is folding (or folded) into this one; while that run's manifest still exists it is no restore point. */
  readonly absorbs?: string;
}

/** Whether a run left `current/` in a state that counts as a restore point. */
export function mirrorRunUsable(outcome: MirrorOutcome): boolean {
  return outcome === 'ok' || outcome === 'warning';
}

/** Where each stored manifest starts (JSON.stringify keeps `format` as the first key). */
const MANIFEST_START = /(?=\{"format":"reprise-mirror")/;

/**
 * Parses the output of `rclone cat TARGET/manifests` (one manifest a line); ignores foreign lines.
 * `cat` concatenates files as they are, so a half-written file (no newline at its end) is cut off at
 * the next manifest's start and dropped instead of taking that manifest with it. Of two manifests
 * with one id (a retention fold under way) the higher revision wins.
 */
export function parseMirrorManifests(text: string): MirrorManifest[] {
  const byId = new Map<string, MirrorManifest>();
  for (const line of text.split('\n')) {
    for (const part of line.split(MANIFEST_START)) {
      if (!part.trim()) continue;
      try {
        const m = JSON.parse(part) as Partial<MirrorManifest>;
        if (m.format !== 'reprise-mirror' || m.formatVersion !== 1 || typeof m.id !== 'string') continue;
        const seen = byId.get(m.id);
        if (!seen || (m.revision ?? 0) > (seen.revision ?? 0)) byId.set(m.id, m as MirrorManifest);
      } catch {
        // not ours, or cut off
      }
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The runs offered as restore points, oldest first: usable ones, except a run retention has begun
 * folding into a later one (its version folder may already be half moved, so it no longer rebuilds).
 */
export function mirrorPoints(manifests: readonly MirrorManifest[]): MirrorManifest[] {
  const ids = new Set(manifests.map((m) => m.id));
  const folding = new Set(manifests.map((m) => m.absorbs).filter((id): id is string => id !== undefined && ids.has(id)));
  return manifests.filter((m) => mirrorRunUsable(m.outcome) && !folding.has(m.id));
}

/**
 * Tracks per-file JSON log lines of a sync with --backup-dir. rclone logs a replaced file as
 * "Moved … " (into the backup dir) followed by "Copied (new)", so a file is new only when it was
 * copied as new and not moved away first.
 */
export class MirrorChangeTracker {
  private readonly copiedNew = new Set<string>();
  private readonly moved = new Set<string>();
  private transfersCount = 0;

  /** Feeds one stderr line of rclone's JSON log. */
  push(line: string): void {
    if (!line.startsWith('{')) return;
    let entry: { msg?: unknown; object?: unknown; skipped?: unknown };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      return;
    }
    if (typeof entry.object !== 'string' || typeof entry.msg !== 'string' || entry.skipped !== undefined) return;
    // Per-file messages are short fixed verbs; matching their start is not parsing stats text.
    if (entry.msg.startsWith('Copied (')) {
      this.transfersCount++;
      if (entry.msg.startsWith('Copied (new)')) this.copiedNew.add(entry.object);
    } else if (entry.msg.startsWith('Moved ')) this.moved.add(entry.object);
  }

  /** Files that did not exist in the mirror before this run (relative to the synced folder). */
  added(): string[] {
    return [...this.copiedNew].filter((p) => !this.moved.has(p)).sort();
  }

  /** Files moved into the version folder (replaced or deleted). */
  versioned(): number {
    return this.moved.size;
  }

  /** Files copied. */
  transfers(): number {
    return this.transfersCount;
  }
}

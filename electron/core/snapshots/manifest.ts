// The manifest makes a snapshot self-describing: a destination can be listed and restored from on
// a new machine with no local database.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_NAME } from './snapshot-names.js';

/** How a finished rsync run ended: 24 (files vanished) is a warning, 23 (some files failed) partial. */
export type SnapshotOutcome = 'ok' | 'warning' | 'partial';

/** A SQLite database copied through the backup API, with the source state it was copied from. */
export interface SqliteCopyRecord {
  /** Path inside the snapshot, e.g. `music/.library/library.db`. */
  readonly path: string;
  /** mtime and size of the database and its WAL at copy time; equal values mean unchanged. */
  readonly signature: string;
}

/** Everything a snapshot says about itself; stored as `.reprise-manifest.json` at its root. */
export interface SnapshotManifest {
  readonly format: 'reprise-snapshot';
  readonly formatVersion: 1;
  readonly id: string;
  readonly job: { readonly id: string; readonly name: string };
  readonly sources: ReadonlyArray<{ readonly path: string; readonly base: string }>;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Regular files in the snapshot and their apparent size. */
  readonly files: number;
  readonly bytes: number;
  /** Files and bytes rsync actually copied; the rest are hard links to the previous snapshot. */
  readonly transferredFiles: number;
  readonly transferredBytes: number;
  readonly outcome: SnapshotOutcome;
  /** rsync's complaints for warning/partial outcomes, trimmed. */
  readonly warnings: readonly string[];
  readonly linkedTo: string | null;
  readonly resumedStaging: boolean;
  readonly repriseVersion: string;
  readonly sqlite: readonly SqliteCopyRecord[];
  /** Times at which a later run found the sources unchanged and confirmed this snapshot instead. */
  readonly confirmations: readonly string[];
}

/** Complete snapshots are the ones `latest` and `--link-dest` may point at. */
export function isComplete(outcome: SnapshotOutcome): boolean {
  return outcome === 'ok' || outcome === 'warning';
}

/** Reads the manifest of a snapshot folder; undefined when missing or not ours. */
export async function readManifest(snapshotDir: string): Promise<SnapshotManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(snapshotDir, MANIFEST_NAME), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<SnapshotManifest>;
    if (value.format !== 'reprise-snapshot' || value.formatVersion !== 1) return undefined;
    return value as SnapshotManifest;
  } catch {
    return undefined;
  }
}

/** Writes a manifest atomically (temp file + rename), so a crash never leaves half a manifest. */
export async function writeManifest(snapshotDir: string, manifest: SnapshotManifest): Promise<void> {
  const target = join(snapshotDir, MANIFEST_NAME);
  const temp = `${target}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(manifest, null, 2)}\n`, { flush: true });
  await rename(temp, target);
}

// DTOs of restore points, the restore picker and restores. Shared by the core, the CLI and the UI.
import type { DestinationKind } from './model.js';

/**
 * Retention a new snapshot or mirror job gets unless told otherwise: the last 10 runs (so several
 * runs a day all stay for a while), then one a day for 14 days, a week for 8 weeks, a month for a year.
 */
export const defaultRetention = { keepLast: 10, keepDaily: 14, keepWeekly: 8, keepMonthly: 12 } as const;

/** How a restore treats files that already exist in the target with other content. */
export type ConflictPolicy = 'skip' | 'overwrite' | 'keep-both';

/** One restore point of one destination. */
export interface RestorePointInfo {
  /** Snapshot folder name or mirror run id (UTC time, e.g. 2026-11-22T030000Z). */
  readonly id: string;
  readonly time: string;
  readonly outcome: 'ok' | 'warning' | 'partial';
  readonly files: number;
  /** Apparent size: what the files add up to. */
  readonly bytes: number;
  /** Data this point added on disk (copied, not hard-linked); null where not known (mirrors). */
  readonly newBytes: number | null;
  readonly latest: boolean;
  /** The last time a run found nothing changed and confirmed this point. */
  readonly confirmedThrough: string | null;
  /** Files and folders whose content this point does not hold (unreadable at backup time). */
  readonly lacking: number;
}

/** The restore points of one destination of a job, newest first. */
export interface DestinationPoints {
  readonly destId: string;
  readonly kind: DestinationKind;
  readonly target: string;
  readonly points: readonly RestorePointInfo[];
  /** Set when the destination could not be read (drive not connected, remote down). */
  readonly error: string | null;
  /** Files on the destination that look like records but could not be read; the other points are fine. */
  readonly warnings: readonly string[];
}

/** An album as the picker shows it. */
export interface AlbumEntry {
  readonly name: string;
  /** Path inside the backup, e.g. `music/Pink Floyd/The Wall (1979)`. */
  readonly path: string;
  readonly cover: string | null;
  readonly tracks: number;
  readonly bytes: number;
}

/** A music file's name: the picker counts these as tracks. */
export const AUDIO_FILE = /\.(flac|mp3|m4a|aac|ogg|oga|opus|wav|aif|aiff|alac|ape|wv|dsf|dff|wma|mpc)$/i;

/** A file right inside an artist folder, next to the albums. */
export interface LooseEntry {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
}

/** An artist and their albums. */
export interface ArtistEntry {
  readonly name: string;
  readonly path: string;
  /** Everything in the artist's folder: the albums and the loose files. */
  readonly bytes: number;
  readonly albums: readonly AlbumEntry[];
  /**
   * The files right inside the artist's folder (tracks not in an album), when there are any: all
   * counted, the first ones named (`named` may be shorter than `files`).
   */
  readonly loose?: LooseSet;
}

/** Files right inside a folder beside its sub-folders: all counted, the first ones named (`named` may be shorter than `files`). */
export interface LooseSet {
  readonly files: number;
  /** How many of them are audio. */
  readonly tracks: number;
  readonly bytes: number;
  /** The first ones listed, sorted; `files` says how many there are in all. */
  readonly named: readonly LooseEntry[];
}

/** One source folder of a restore point, read as Artist → Album (or plain folders). */
export interface SourceIndex {
  readonly source: string;
  readonly layout: 'music' | 'plain';
  readonly artists: readonly ArtistEntry[];
  /** The files right inside the source folder, beside its artists, when there are any. */
  readonly loose?: LooseSet;
}

/** The browsable content of one restore point. */
export interface RestoreBrowse {
  readonly destId: string;
  readonly kind: DestinationKind;
  readonly target: string;
  readonly pointId: string;
  readonly sources: readonly SourceIndex[];
}

/** One version of an item on one destination. */
export interface ItemVersionInfo {
  readonly destId: string;
  readonly kind: DestinationKind;
  readonly target: string;
  readonly pointId: string;
  readonly time: string;
  readonly files: number;
  readonly bytes: number;
  /** Compared with the next older version on the same destination; null for the oldest. */
  readonly changes: { readonly added: number; readonly removed: number; readonly changed: number } | null;
  readonly confirmedThrough: string | null;
}

/** One file of a restore preview. keep-both: restored next to the existing file under a new name. */
export interface RestorePreviewItem {
  readonly action: 'create' | 'overwrite' | 'skip' | 'keep-both';
  readonly path: string;
  readonly size: number;
}

/** What a restore did, or would do for a dry run. */
export interface RestoreOutcome {
  readonly destId: string;
  readonly target: string;
  readonly pointId: string;
  readonly restoredTo: string;
  readonly dryRun: boolean;
  readonly createFiles: number;
  readonly overwriteFiles: number;
  readonly skipFiles: number;
  readonly keepBothFiles: number;
  readonly bytes: number;
  /** The first 500 files of the preview, at most; the counts are of all (restoreFileCount). */
  readonly items: readonly RestorePreviewItem[];
  /** Checked against the point's record: true only when every entry matches it; null for a dry run. */
  readonly verified: boolean | null;
  /** Restored entries that differ from the record, with what differs. */
  readonly mismatches: readonly string[];
  readonly keptExisting: readonly string[];
  /** Entries of the point that could not be restored (lacking in the point, or bytes not found), with why. */
  readonly missing: readonly string[];
  /** Entries compared with the record. */
  readonly checked: number;
}

/** Files a restore's counts cover: its preview (`items`) names only the first few hundred. */
export function restoreFileCount(o: Pick<RestoreOutcome, 'createFiles' | 'overwriteFiles' | 'skipFiles' | 'keepBothFiles'>): number {
  return o.createFiles + o.overwriteFiles + o.skipFiles + o.keepBothFiles;
}

/** Live progress of a restore, pushed as the `restore:progress` event. */
export interface RestoreProgressEvent {
  readonly restoreId: string;
  readonly phase: 'planning' | 'copying' | 'verifying';
  readonly percent: number;
  readonly bytes: number;
  readonly speed: number;
}

/** What `verify` found for one destination. */
export interface VerifyDestination {
  readonly destId: string;
  readonly kind: DestinationKind;
  readonly target: string;
  readonly pointId: string | null;
  readonly ok: boolean;
  readonly differences: number;
  /** The first differences: `* path: why` (differs from the record), `- path` (in the record, missing from the destination), `+ path` (on the destination, not in the record). */
  readonly sample: readonly string[];
  readonly error: string | null;
  /** Entries compared with the record (absent for copy destinations, which keep no record). */
  readonly checked?: number;
  /** Whether every byte was read and hashed. */
  readonly deep?: boolean;
}

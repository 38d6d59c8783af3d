// File operations on any two locations, local or on rclone remotes: what clients send and get back.

/** An operation that moves data. */
export type TransferOp = 'copy' | 'move' | 'sync';

/** One entry of a folder listing. */
export interface FileEntry {
  readonly name: string;
  /** Path relative to the folder listed. */
  readonly path: string;
  readonly isDir: boolean;
  /** -1 for folders. */
  readonly size: number;
  readonly modTime: string | null;
}

/** One file a dry run would touch. */
export interface PreviewItem {
  readonly action: 'copy' | 'delete' | 'move';
  readonly path: string;
  readonly size: number | null;
}

/** What an operation did (or, for a dry run, would do). */
export interface FileOpResult {
  readonly op: string;
  readonly source: string | null;
  readonly destination: string | null;
  readonly dryRun: boolean;
  readonly outcome: 'ok' | 'partial' | 'failed' | 'cancelled';
  readonly files: number;
  readonly bytes: number;
  readonly errors: number;
  readonly error: string | null;
  /** Dry run: each file it would copy, move or delete (the first 1000). */
  readonly preview: readonly PreviewItem[];
}

/** Progress of a running file operation. */
export interface FileOpProgress {
  readonly id: string;
  readonly op: string;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly files: number;
  readonly totalFiles: number;
  readonly speed: number;
  readonly eta: number | null;
  readonly current: readonly string[];
}

/** Where a deleted file goes on a remote: its trash, hidden behind a newer version, or nowhere. */
export type TrashKind = 'trash' | 'hidden' | 'permanent';

/** What a delete confirmation says happens to what it deletes. */
export function deleteFate(kind: TrashKind): string {
  switch (kind) {
    case 'trash':
      return "It is moved to the remote's trash, where it can be recovered until the trash is emptied.";
    case 'hidden':
      return 'It is hidden: the remote keeps its earlier versions until they are removed by its lifecycle rules.';
    case 'permanent':
      return 'This remote has no trash: it is deleted for good.';
  }
}

// DTOs of remotes, the remote browser and mounts, shared by the core, the hosts and the renderer.
// Nothing here ever carries a secret in clear: option values of secret fields are masked.

/** A remote as listed: never any option values. */
export interface RemoteSummary {
  readonly name: string;
  readonly type: string;
  readonly isCrypt: boolean;
  /** For crypt and other wrappers: the remote:path they wrap. */
  readonly wraps?: string;
  /** For s3: the S3 provider (AWS, Minio, Cloudflare …). */
  readonly provider?: string;
}

/** A remote with its options; secret values are replaced by SECRET_MASK. */
export interface RemoteDetail extends RemoteSummary {
  readonly options: Readonly<Record<string, string>>;
}

/** The rclone config Reprise uses and whether it is locked. */
export interface RcloneConfigState {
  readonly path: string;
  readonly encrypted: boolean;
  /** Encrypted and no password given yet in this session. */
  readonly locked: boolean;
  /** Who chose the file: rclone's default, Settings, or --rclone-config / RCLONE_CONFIG (wins). */
  readonly source: 'default' | 'settings' | 'override';
}

/** Result of a connection test, in plain words. */
export type ConnectionTest =
  | { readonly ok: true; readonly entries: number }
  | { readonly ok: false; readonly kind: string; readonly reason: string; readonly details?: string };

/** What adding a remote led to: saved, or waiting for a browser sign-in. */
export type AddRemoteOutcome =
  | { readonly status: 'done'; readonly remote: RemoteSummary }
  | { readonly status: 'authorize'; readonly sessionId: string };

/** Progress of a browser sign-in (`rclone authorize`). */
export interface AuthorizeUpdate {
  readonly sessionId: string;
  readonly name: string;
  readonly state: 'starting' | 'waiting' | 'done' | 'failed' | 'cancelled';
  /** The link to open in a browser, once rclone printed it. */
  readonly link?: string;
  readonly message?: string;
}

/** One entry of a remote folder. */
export interface BrowseEntry {
  readonly name: string;
  readonly isDir: boolean;
  /** Bytes; -1 for folders (sizes on demand). */
  readonly size: number;
  /** ISO time. */
  readonly modTime: string;
}

/** A folder listing. */
export interface BrowseListing {
  readonly remote: string;
  readonly path: string;
  readonly entries: readonly BrowseEntry[];
}

/** Quota of a remote, where the provider reports it (fields absent when unknown). */
export interface RemoteQuota {
  readonly total?: number;
  readonly used?: number;
  readonly free?: number;
  readonly trashed?: number;
}

/** Progress of a download from the browser. */
export interface DownloadUpdate {
  readonly id: string;
  readonly source: string;
  readonly to: string;
  readonly state: 'running' | 'done' | 'failed' | 'cancelled';
  readonly bytes: number;
  readonly totalBytes: number;
  readonly files: number;
  readonly totalFiles: number;
  readonly speed: number;
  readonly message?: string;
}

/** VFS cache modes rclone offers. */
export type VfsCacheMode = 'off' | 'minimal' | 'writes' | 'full';

/** Where a mount stands. */
export type MountState =
  | { readonly kind: 'mounted' }
  | { readonly kind: 'unmounted' }
  | { readonly kind: 'error'; readonly reason: string; readonly howToFix?: string };

/** A saved mount with its live state. */
export interface MountView {
  readonly fs: string;
  readonly mountPoint: string;
  readonly readOnly: boolean;
  readonly cacheMode: VfsCacheMode;
  readonly persist: boolean;
  readonly state: MountState;
}

/** Whether this machine can mount, and how to fix it when not. */
export type FuseState = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly howToInstall: string };

/** The Mounts page's data. */
export interface MountsOverview {
  readonly fuse: FuseState;
  readonly mounts: readonly MountView[];
  /** Where new mount points go by default. */
  readonly defaultRoot: string;
}

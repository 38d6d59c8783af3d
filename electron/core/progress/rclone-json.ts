// Pure parser for rclone's `--use-json-log` stderr lines. Reads fields, never the human `msg` text
// of stats; tolerates plain-text lines (the final fatal summary is plain text even in JSON mode).

export interface RcloneStats {
  readonly bytes: number;
  readonly totalBytes: number;
  readonly transfers: number;
  readonly totalTransfers: number;
  readonly checks: number;
  readonly totalChecks: number;
  readonly deletes: number;
  /** Server-side moves (replaced files into --backup-dir, files moved by `move`). */
  readonly renames: number;
  readonly errors: number;
  readonly fatalError: boolean;
  readonly speed: number;
  readonly eta: number | null;
  readonly elapsedTime: number;
  readonly lastError: string | null;
  readonly transferring: readonly { readonly name: string; readonly percentage: number; readonly size: number; readonly bytes: number }[];
}

export type RcloneLine =
  | { readonly type: 'stats'; readonly stats: RcloneStats }
  | { readonly type: 'file'; readonly action: FileAction; readonly object: string; readonly size: number | null; readonly dryRun: boolean }
  | { readonly type: 'error'; readonly object: string | null; readonly message: string }
  | { readonly type: 'log'; readonly level: string; readonly message: string }
  | { readonly type: 'text'; readonly text: string };

export type FileAction = 'copied-new' | 'copied-replaced' | 'updated' | 'deleted' | 'moved' | 'skipped-copy' | 'skipped-delete' | 'other';

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function fileAction(msg: string, skipped: unknown): FileAction | null {
  if (skipped === 'copy') return 'skipped-copy';
  if (skipped === 'delete') return 'skipped-delete';
  // Per-file messages are short fixed verbs; matching their start is not parsing stats text.
  if (msg.startsWith('Copied (new)')) return 'copied-new';
  if (msg.startsWith('Copied (replaced')) return 'copied-replaced';
  if (msg.startsWith('Updated ')) return 'updated';
  if (msg.startsWith('Deleted')) return 'deleted';
  if (msg.startsWith('Moved ')) return 'moved';
  return null;
}

/** Reads the stats object rclone logs every --stats interval. */
export function parseStats(raw: Record<string, unknown>): RcloneStats {
  const transferring = Array.isArray(raw.transferring) ? raw.transferring : [];
  return {
    bytes: num(raw.bytes),
    totalBytes: num(raw.totalBytes),
    transfers: num(raw.transfers),
    totalTransfers: num(raw.totalTransfers),
    checks: num(raw.checks),
    totalChecks: num(raw.totalChecks),
    deletes: num(raw.deletes),
    renames: num(raw.renames),
    errors: num(raw.errors),
    fatalError: raw.fatalError === true,
    speed: num(raw.speed),
    eta: typeof raw.eta === 'number' ? raw.eta : null,
    elapsedTime: num(raw.elapsedTime),
    lastError: typeof raw.lastError === 'string' ? raw.lastError : null,
    transferring: transferring
      .filter((t): t is Record<string, unknown> => typeof t === 'object' && t !== null)
      .map((t) => ({ name: String(t.name ?? ''), percentage: num(t.percentage), size: num(t.size), bytes: num(t.bytes) })),
  };
}

/** Classifies one stderr line of an rclone child started with --use-json-log. */
export function parseRcloneLine(line: string): RcloneLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { type: 'text', text: trimmed };
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(trimmed) as Record<string, unknown>;
  } catch {
    return { type: 'text', text: trimmed };
  }
  if (typeof obj !== 'object' || obj === null) return { type: 'text', text: trimmed };
  const level = typeof obj.level === 'string' ? obj.level : 'info';
  const msg = typeof obj.msg === 'string' ? obj.msg : '';
  const object = typeof obj.object === 'string' ? obj.object : null;
  if (obj.stats && typeof obj.stats === 'object') return { type: 'stats', stats: parseStats(obj.stats as Record<string, unknown>) };
  if (level === 'error' || level === 'critical') return { type: 'error', object, message: msg.trim() };
  if (object !== null) {
    const action = fileAction(msg, obj.skipped);
    if (action) {
      return { type: 'file', action, object, size: typeof obj.size === 'number' ? obj.size : null, dryRun: obj.skipped !== undefined };
    }
  }
  return { type: 'log', level, message: msg.trim() };
}

/** A line of rclone's JSON output as an object, or null for plain text and anything not an object. */
export function jsonObjectOf(line: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

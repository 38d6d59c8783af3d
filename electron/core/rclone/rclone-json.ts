// Pure parser for rclone's `--use-json-log` stderr lines. Reads fields, never the human `msg` text
// of stats; tolerates plain-text lines (the final fatal summary is plain text even in JSON mode).
import { statsSchema } from './rclone-output.js';

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

/** Reads the stats object rclone logs every --stats interval; null when it is not the shape rclone 1.60+ logs. */
export function parseStats(raw: unknown): RcloneStats | null {
  const r = statsSchema.safeParse(raw);
  if (!r.success) return null;
  const s = r.data;
  return {
    bytes: s.bytes,
    totalBytes: s.totalBytes,
    transfers: s.transfers,
    totalTransfers: s.totalTransfers,
    checks: s.checks,
    totalChecks: s.totalChecks,
    deletes: s.deletes,
    renames: s.renames,
    errors: s.errors,
    fatalError: s.fatalError,
    speed: s.speed,
    eta: s.eta,
    elapsedTime: s.elapsedTime,
    lastError: s.lastError ?? null,
    transferring: s.transferring.map((t) => ({ name: t.name, percentage: t.percentage, size: t.size, bytes: t.bytes })),
  };
}

/** Classifies one stderr line of an rclone child started with --use-json-log. */
export function parseRcloneLine(line: string): RcloneLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { type: 'text', text: trimmed };
  const obj = jsonObjectOf(trimmed);
  if (obj === null) return { type: 'text', text: trimmed };
  const level = typeof obj.level === 'string' ? obj.level : 'info';
  const msg = typeof obj.msg === 'string' ? obj.msg : '';
  const object = typeof obj.object === 'string' ? obj.object : null;
  if (obj.stats && typeof obj.stats === 'object') {
    const stats = parseStats(obj.stats);
    // Stats of a shape Reprise cannot read are not guessed at: the line is kept as a log line.
    return stats ? { type: 'stats', stats } : { type: 'log', level, message: 'rclone logged stats Reprise cannot read' };
  }
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
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

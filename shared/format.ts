// Human units for the UI and the CLI: 1.2 GB, 3 min, 2 h ago.

const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Bytes in decimal units, as file managers show them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A speed in bytes per second. */
export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A duration in seconds: "45 s", "3 min", "2 h 5 min", "3 days". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
  return `${Math.round(h / 24)} days`;
}

/** How long ago a time was: "just now", "5 min ago", "2 h ago", "3 days ago". */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = (nowMs - thenMs) / 1000;
  if (s < 45) return 'just now';
  return `${formatDuration(s)} ago`;
}

/** How far ahead a time is: "in 5 min", "in 2 h". */
export function formatIn(thenMs: number, nowMs: number): string {
  const s = (thenMs - nowMs) / 1000;
  if (s < 30) return 'now';
  return `in ${formatDuration(s)}`;
}

/** A count with its noun: "1 file", "3 files" ("1 entry", "2 entries" with the plural given). */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : nouns}`;
}

/**
 * Which part of a run the byte counts belong to, for a run with several destinations or sources:
 * "to NAS:backup · 2 of 3 destinations · source 1 of 2". Empty for a single-destination, single-source run.
 */
export function progressWhere(p: { readonly target: string; readonly destIndex: number; readonly destCount: number; readonly step: number; readonly steps: number }): string {
  const parts: string[] = [];
  if (p.destCount > 1) parts.push(`to ${p.target}`, `${p.destIndex} of ${p.destCount} destinations`);
  if (p.steps > 1) parts.push(`source ${p.step} of ${p.steps}`);
  return parts.join(' · ');
}

/** "can't reach dav — retrying in 31 s (attempt 2 of 4)"; `leftMs` is what is left of the wait. */
export function retryLine(r: { readonly reason: string; readonly attempt: number; readonly attempts: number }, leftMs: number): string {
  const s = Math.max(0, Math.round(leftMs / 1000));
  const when = s > 0 ? `retrying in ${formatDuration(s)}` : 'retrying now';
  return `${r.reason} — ${when} (attempt ${r.attempt} of ${r.attempts})`;
}

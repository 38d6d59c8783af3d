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

/**
 * The bytes of a progress sample with what they belong to, so they never seem to contradict the
 * run's percent: "16.7 MB of 33.7 MB" for a one-destination run, "to NAS:backup (2 of 2
 * destinations): 16.7 MB of 33.7 MB" when the percent covers several. Before the total is known
 * (a mirror comparing with its last restore point) there are no bytes to show: null.
 */
export function progressBytes(p: { readonly bytes: number; readonly totalBytes: number; readonly target: string; readonly destIndex: number; readonly destCount: number }): string | null {
  if (p.totalBytes <= 0) return null;
  const amount = `${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)}`;
  return p.destCount > 1 ? `to ${p.target} (${p.destIndex} of ${p.destCount} destinations): ${amount}` : amount;
}

// --- dates --------------------------------------------------------------------------------------
// One way to show a time everywhere (window and CLI): relative when near ("2 h ago", "in 6 h"),
// short otherwise ("Today 15:39", "Mon 03:00", "30 Nov 03:00"), in the reader's locale, with the
// full date for a tooltip. `locale` undefined means the runtime's own (the browser's, the shell's).

const DAY_MS = 24 * 3600 * 1000;

/** Whether the locale writes times on a 12-hour clock (en-US) rather than a 24-hour one. */
export function uses12HourClock(locale?: string): boolean {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h11' || cycle === 'h12';
}

/** A time of day in the locale's way: "15:39" or "3:39 PM" (with seconds: "15:39:07"). */
export function formatClock(ms: number, locale?: string, seconds = false): string {
  return new Intl.DateTimeFormat(locale, { hour: uses12HourClock(locale) ? 'numeric' : '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(ms);
}

/** A clock time given as hours and minutes (a schedule's "03:00"), in the locale's way. */
export function formatHourMinute(hour: number, minute: number, locale?: string): string {
  return formatClock(new Date(2000, 0, 1, hour, minute).getTime(), locale);
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** A short date and time: "Today 15:39", "Yesterday 03:00", "Tomorrow 03:00", "Mon 03:00", "30 Nov 03:00", "30 Nov 2025". */
export function formatWhen(ms: number, nowMs: number, locale?: string, o: { readonly seconds?: boolean } = {}): string {
  if (!Number.isFinite(ms)) return '—';
  const days = Math.round((startOfDay(ms) - startOfDay(nowMs)) / DAY_MS);
  const clock = formatClock(ms, locale, o.seconds ?? false);
  if (days === 0) return `Today ${clock}`;
  if (days === -1) return `Yesterday ${clock}`;
  if (days === 1) return `Tomorrow ${clock}`;
  if (Math.abs(days) < 7) return `${new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(ms)} ${clock}`;
  if (new Date(ms).getFullYear() === new Date(nowMs).getFullYear()) return `${new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }).format(ms)} ${clock}`;
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).format(ms);
}

/** The whole date, for a tooltip: "Monday, 30 November 2026 at 03:00". */
export function formatFullDate(ms: number, locale?: string): string {
  if (!Number.isFinite(ms)) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(ms);
}

/** Relative when within two days ("2 h ago", "in 6 h"), else the short form ("Mon 03:00"). */
export function formatRelative(ms: number, nowMs: number, locale?: string): string {
  if (Math.abs(ms - nowMs) >= 2 * DAY_MS) return formatWhen(ms, nowMs, locale);
  return ms <= nowMs ? formatAgo(ms, nowMs) : formatIn(ms, nowMs);
}

/** The locale this process formats in (the browser's, or the shell's LANG for the CLI). */
export function runtimeLocale(): string {
  return new Intl.DateTimeFormat().resolvedOptions().locale;
}

/** "can't reach dav — retrying in 31 s (attempt 2 of 4)"; `leftMs` is what is left of the wait. */
export function retryLine(r: { readonly reason: string; readonly attempt: number; readonly attempts: number }, leftMs: number): string {
  const s = Math.max(0, Math.round(leftMs / 1000));
  const when = s > 0 ? `retrying in ${formatDuration(s)}` : 'retrying now';
  return `${r.reason} — ${when} (attempt ${r.attempt} of ${r.attempts})`;
}

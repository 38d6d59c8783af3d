// Cron schedules as the user edits them: validation with a clear error, presets, a human
// description and the next run times. Pure (no DOM, no Node) so the renderer can preview a
// schedule before saving and the core computes exactly the same times when it runs it.
//
// croner does the next-run math: it takes any instant as "from" (so the scheduler can use an
// injected clock), understands IANA time zones and has defined DST rules (a fixed-time job in
// the spring-forward gap runs right after the gap; the repeated autumn hour runs it once).
// cronstrue turns an expression into words. Both have no dependencies and run in the browser.
import { Cron } from 'croner';
import cronstrue from 'cronstrue';

export interface CronPreset {
  readonly id: string;
  readonly label: string;
  readonly expression: string;
}

/** Schedules most people want, offered before a free-form cron field. */
export const CRON_PRESETS: readonly CronPreset[] = [
  { id: 'hourly', label: 'Every hour', expression: '0 * * * *' },
  { id: 'daily-0300', label: 'Every day at 03:00', expression: '0 3 * * *' },
  { id: 'daily-2300', label: 'Every evening at 23:00', expression: '0 23 * * *' },
  { id: 'weekdays-1900', label: 'Weekdays at 19:00', expression: '0 19 * * 1-5' },
  { id: 'weekly-sun-0400', label: 'Every Sunday at 04:00', expression: '0 4 * * 0' },
  { id: 'monthly-1st-0500', label: 'First day of the month at 05:00', expression: '0 5 1 * *' },
];

export interface CronError {
  readonly kind: 'invalid-cron';
  readonly message: string;
  readonly hint: string;
}

export type CronCheck =
  | { readonly ok: true; readonly expression: string; readonly description: string }
  | { readonly ok: false; readonly error: CronError };

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const HINT = 'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *" for every day at 03:00.';

/** Collapses runs of blanks so "0  3 * * *" and "0 3 * * *" are the same schedule. */
export function normalizeCron(expression: string): string {
  return expression.trim().split(/\s+/).join(' ');
}

function invalid(message: string): CronCheck {
  return { ok: false, error: { kind: 'invalid-cron', message, hint: HINT } };
}

// croner reports "CronPattern: Invalid value for minute: 61"; keep the useful part and say
// which expression it was, so the message reads well in a form and on the command line.
function cronerMessage(expression: string, err: unknown): string {
  const raw = err instanceof Error ? err.message : String(err);
  const detail = raw.replace(/^CronPattern:\s*/, '');
  return `"${expression}" is not a valid schedule: ${detail}`;
}

/** Checks a five-field cron expression and describes it in words, or says what is wrong. */
export function checkCron(input: string): CronCheck {
  if (typeof input !== 'string' || input.trim() === '') return invalid('The schedule is empty.');
  const expression = normalizeCron(input);
  const parts = expression.split(' ');
  if (parts.length !== 5) {
    return invalid(`"${expression}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; a schedule needs exactly five (${FIELD_NAMES.join(', ')}).`);
  }
  try {
    const cron = new Cron(expression, { paused: true, mode: '5-part' });
    // A pattern like "0 0 31 2 *" parses but never fires; saving it would silently never back up.
    if (cron.nextRun(new Date(0)) === null) return invalid(`"${expression}" never runs (no date matches it).`);
  } catch (err) {
    return invalid(cronerMessage(expression, err));
  }
  return { ok: true, expression, description: describeCron(expression) };
}

/** Words for a valid expression ("At 03:00"); falls back to the expression itself. */
export function describeCron(expression: string): string {
  const preset = CRON_PRESETS.find((p) => p.expression === normalizeCron(expression));
  if (preset) return preset.label;
  try {
    return cronstrue.toString(normalizeCron(expression), { use24HourTimeFormat: true, verbose: false });
  } catch {
    return normalizeCron(expression);
  }
}

// Parsing is the expensive part and the scheduler asks about the same few patterns every minute.
const cache = new Map<string, Cron>();

function cronFor(expression: string, timezone: string | undefined): Cron {
  const key = `${timezone ?? ''}|${normalizeCron(expression)}`;
  let cron = cache.get(key);
  if (!cron) {
    cron = new Cron(normalizeCron(expression), { paused: true, mode: '5-part', ...(timezone ? { timezone } : {}) });
    if (cache.size > 200) cache.clear();
    cache.set(key, cron);
  }
  return cron;
}

/** The next `count` run times (epoch ms) strictly after `fromMs`, in the given IANA time zone (default: local). */
export function nextRunTimes(expression: string, fromMs: number, count: number, timezone?: string): number[] {
  const cron = cronFor(expression, timezone);
  const out: number[] = [];
  let from = new Date(fromMs);
  for (let i = 0; i < count; i++) {
    const next = cron.nextRun(from);
    if (!next) break;
    out.push(next.getTime());
    from = next;
  }
  return out;
}

/** The first run time strictly after `fromMs`, or null when the schedule never fires again. */
export function nextRunTime(expression: string, fromMs: number, timezone?: string): number | null {
  return nextRunTimes(expression, fromMs, 1, timezone)[0] ?? null;
}

/** True when the string names a time zone this runtime knows (e.g. "Europe/Berlin"). */
export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The latest run time at or before `atMs`, or null when there is none. */
export function lastRunTimeAtOrBefore(expression: string, atMs: number, timezone?: string): number | null {
  const prev = cronFor(expression, timezone).previousRuns(1, new Date(atMs + 1))[0];
  return prev ? prev.getTime() : null;
}

/** How many run times fall in (afterMs, untilMs], counting at most `cap` (the answer is then `cap`). */
export function countRunTimes(expression: string, afterMs: number, untilMs: number, timezone?: string, cap = 1000): number {
  const cron = cronFor(expression, timezone);
  let n = 0;
  let from = new Date(afterMs);
  while (n < cap) {
    const next = cron.nextRun(from);
    if (!next || next.getTime() > untilMs) break;
    n++;
    from = next;
  }
  return n;
}

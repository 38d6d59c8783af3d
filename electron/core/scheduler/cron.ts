// The schedule engine: node-cron reads and checks the expression (validateDetailed, parse) and
// decides whether a day matches (an unstarted createTask's match(), with its time zone, L/W/#
// tokens, month and weekday names). What node-cron 4 cannot do, this file adds on top:
//
// - Times from an injected clock. A task's getNextRun() is null until the task is started and
//   getNextRuns() counts from the real Date.now(); the scheduler needs "the next slot after this
//   instant" and "the last slot at or before that one" for catch-up, pause and clock jumps. So we
//   walk the local calendar ourselves: days node-cron matches × the hours and minutes it parsed.
// - Defined DST rules. node-cron maps a wall time in the spring-forward gap past the gap by the
//   jump's length (02:30 → 03:30, which then fails its own match: the run is lost) and picks the
//   second of a repeated autumn hour. Reprise runs a gap slot right after the gap (03:00) and a
//   repeated wall time once, at its first occurrence — what croner did before, and what the
//   scheduler tests pin down.
// - POSIX day rule. node-cron requires day-of-month AND day-of-week; crontab(5), and the words
//   cronstrue prints, mean either one when both are restricted ("0 3 1 * 1": the 1st and Mondays).
//
// Core only: node-cron imports Node built-ins, so the window asks the core (`schedules:check`).
import { createTask, type ScheduledTask, validateDetailed } from 'node-cron';
import { type CronCheck, CRON_HINT, describeCron, normalizeCron } from '../../../shared/schedule.js';

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const FIELD_RANGES: Record<string, string> = {
  minute: 'minutes are 0–59',
  hour: 'hours are 0–23',
  dayOfMonth: 'days are 1–31, or L',
  month: 'months are 1–12 or jan–dec',
  dayOfWeek: 'weekdays are 0–7 (0 and 7 are Sunday) or sun–sat',
};
const FIELD_WORDS: Record<string, string> = { minute: 'minute', hour: 'hour', dayOfMonth: 'day-of-month', month: 'month', dayOfWeek: 'day-of-week' };

/** How far ahead a schedule is searched: a 29 February slot can be 8 years away (2096 → 2104). */
const SEARCH_DAYS = 8 * 366 + 2;
const MINUTE = 60_000;

function invalid(message: string): CronCheck {
  return { ok: false, error: { kind: 'invalid-cron', message, hint: CRON_HINT } };
}

/** Checks a five-field cron expression and describes it in words, or says what is wrong. */
export function checkCron(input: string): CronCheck {
  if (typeof input !== 'string' || input.trim() === '') return invalid('The schedule is empty.');
  const expression = normalizeCron(input);
  const parts = expression.split(' ');
  if (parts.length !== 5) {
    return invalid(`"${expression}" has ${parts.length} field${parts.length === 1 ? '' : 's'}; a schedule needs exactly five (${FIELD_NAMES.join(', ')}).`);
  }
  const v = validateDetailed(expression);
  if (!v.valid) {
    const e = v.errors[0];
    // node-cron knows some impossible dates by itself ("31 2"): say it the way a person would.
    if (e && /impossible/i.test(e.message)) return invalid(`"${expression}" never runs (no date matches it).`);
    const word = e ? (FIELD_WORDS[e.field] ?? e.field) : 'expression';
    const range = e ? FIELD_RANGES[e.field] : undefined;
    return invalid(`"${expression}" is not a valid schedule: the ${word} field cannot be "${e?.value ?? expression}"${range ? ` (${range})` : ''}.`);
  }
  // A pattern like "0 0 30 2 *" parses but never fires; saving it would silently never back up.
  if (nextRunTime(expression, Date.UTC(2000, 0, 1), 'UTC') === null) return invalid(`"${expression}" never runs (no date matches it).`);
  return { ok: true, expression, description: describeCron(expression) };
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

// --- local calendar arithmetic ---------------------------------------------------------------

interface Wall {
  readonly year: number;
  readonly month: number; // 1–12
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string | undefined): Intl.DateTimeFormat {
  const key = tz ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(key, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone (undefined: the process's zone). */
function wallOf(ms: number, tz: string | undefined): Wall {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute! };
}

const asUtc = (w: Wall): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
const sameWall = (a: Wall, b: Wall): boolean => asUtc(a) === asUtc(b);
/** The zone's offset from UTC at an instant, in ms (whole minutes; seconds of old LMT offsets dropped). */
const offsetAt = (ms: number, tz: string | undefined): number => asUtc(wallOf(ms, tz)) - Math.floor(ms / MINUTE) * MINUTE;

/**
 * The instant a wall time stands for: the one instant that shows it; the first of two in a
 * repeated hour; and for a time the clocks skip, the first instant after the gap.
 */
function instantOf(w: Wall, tz: string | undefined): number {
  const guess = asUtc(w);
  // Offsets a day apart bracket any transition near this wall time.
  const offsets = [...new Set([offsetAt(guess - 86_400_000, tz), offsetAt(guess, tz), offsetAt(guess + 86_400_000, tz)])];
  const shows = offsets.map((o) => guess - o).filter((t) => sameWall(wallOf(t, tz), w));
  if (shows.length > 0) return Math.min(...shows);
  // In the gap: between the two readings lies the transition; find its first minute.
  const cands = offsets.map((o) => guess - o);
  let lo = Math.min(...cands);
  let hi = Math.max(...cands);
  const after = offsetAt(hi, tz);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (mid <= lo) break;
    if (offsetAt(mid, tz) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

function addDays(w: Pick<Wall, 'year' | 'month' | 'day'>, n: number): Wall {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 };
}

// --- the compiled schedule -------------------------------------------------------------------

interface Compiled {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Whether a local calendar day can hold a run (node-cron decides; POSIX OR applied). */
  dayMatches(day: Wall): boolean;
}

// Parsing is the expensive part and the scheduler asks about the same few patterns every minute.
const cache = new Map<string, Compiled>();

// A task that is never started: node-cron's matcher for one day, asked at local noon (no zone
// has a DST change at noon), in the schedule's zone.
function dayTask(dom: string, month: string, dow: string, tz: string | undefined): ScheduledTask {
  return createTask(`0 0 12 ${dom} ${month} ${dow}`, () => undefined, tz ? { timezone: tz } : {});
}

function compile(expression: string, tz: string | undefined): Compiled {
  const expr = normalizeCron(expression);
  const key = `${tz ?? ''}|${expr}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const v = validateDetailed(expr);
  if (!v.valid || !v.fields) throw new Error(`"${expr}" is not a valid schedule`);
  const [, , dom, month, dow] = expr.split(' ') as [string, string, string, string, string];
  const restricted = (f: string) => f !== '*' && f !== '?';
  // crontab(5): "If both fields are restricted, the command runs when either field matches."
  const tasks = restricted(dom) && restricted(dow) ? [dayTask(dom, month, '*', tz), dayTask('*', month, dow, tz)] : [dayTask(dom, month, dow, tz)];
  const noonOf = (d: Wall) => {
    const guess = asUtc({ ...d, hour: 12, minute: 0 });
    return guess - offsetAt(guess - offsetAt(guess, tz), tz);
  };
  const compiled: Compiled = {
    minutes: [...v.fields.minute].sort((a, b) => a - b),
    hours: [...v.fields.hour].sort((a, b) => a - b),
    dayMatches: (d) => {
      const noon = new Date(noonOf(d));
      return tasks.some((t) => t.match(noon));
    },
  };
  if (cache.size > 200) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

// Wall times map to instants in order (the first-occurrence and after-the-gap rules keep it so),
// so walking a day's slots in wall order finds the earliest instant first.
function daySlots(c: Compiled, day: Wall, tz: string | undefined): (hour: number, minute: number) => number {
  // No transition within a day of either end of this day: one offset for all its slots.
  const o1 = offsetAt(asUtc(day) - 86_400_000, tz);
  const o2 = offsetAt(asUtc(day) + 2 * 86_400_000, tz);
  if (o1 === o2) return (hour, minute) => asUtc({ ...day, hour, minute }) - o1;
  return (hour, minute) => instantOf({ ...day, hour, minute }, tz);
}

/** The first run time strictly after `fromMs`, or null when the schedule never fires again. */
export function nextRunTime(expression: string, fromMs: number, timezone?: string): number | null {
  const c = compile(expression, timezone);
  const start = wallOf(fromMs, timezone);
  const startMinute = start.hour * 60 + start.minute;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const day = addDays(start, i);
    if (!c.dayMatches(day)) continue;
    const at = daySlots(c, day, timezone);
    for (const hour of c.hours) {
      // Slots well before `from` on its own day cannot be after it (a DST change moves 2 h at most).
      if (i === 0 && hour * 60 + 59 < startMinute - 180) continue;
      for (const minute of c.minutes) {
        const t = at(hour, minute);
        if (t > fromMs) return t;
      }
    }
  }
  return null;
}

/** The next `count` run times (epoch ms) strictly after `fromMs`, in the given IANA time zone (default: local). */
export function nextRunTimes(expression: string, fromMs: number, count: number, timezone?: string): number[] {
  const out: number[] = [];
  let from = fromMs;
  for (let i = 0; i < count; i++) {
    const next = nextRunTime(expression, from, timezone);
    if (next === null) break;
    out.push(next);
    from = next;
  }
  return out;
}

/** The latest run time at or before `atMs`, or null when there is none. */
export function lastRunTimeAtOrBefore(expression: string, atMs: number, timezone?: string): number | null {
  const c = compile(expression, timezone);
  const start = wallOf(atMs, timezone);
  const startMinute = start.hour * 60 + start.minute;
  const hours = [...c.hours].reverse();
  const minutes = [...c.minutes].reverse();
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const day = addDays(start, -i);
    if (!c.dayMatches(day)) continue;
    const at = daySlots(c, day, timezone);
    for (const hour of hours) {
      if (i === 0 && hour * 60 > startMinute + 180) continue;
      for (const minute of minutes) {
        const t = at(hour, minute);
        if (t <= atMs) return t;
      }
    }
  }
  return null;
}

/** How many run times fall in (afterMs, untilMs], counting at most `cap` (the answer is then `cap`). */
export function countRunTimes(expression: string, afterMs: number, untilMs: number, timezone?: string, cap = 1000): number {
  let n = 0;
  let from = afterMs;
  while (n < cap) {
    const next = nextRunTime(expression, from, timezone);
    if (next === null || next > untilMs) break;
    n++;
    from = next;
  }
  return n;
}

// Cron schedules as the user sees them: presets, the shape of a check's answer and a human
// description. Pure (no DOM, no Node). The schedule engine itself (node-cron, which needs Node)
// lives in the core, electron/core/scheduler/cron.ts; the window asks it through the contract
// (`schedules:check`) for a check and the next run times while the user types.
// cronstrue turns an expression into words; it has no dependencies and runs in the browser.
import cronstrue from 'cronstrue';
import { formatHourMinute, uses12HourClock } from './format.js';

export interface CronPreset {
  readonly id: string;
  /** In words, with the time as the 24-hour clock writes it ("Every day at 03:00"). */
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

/** A preset's words with its time written the way the locale writes times ("Every day at 3:00 AM" in en-US). */
export function presetLabel(preset: CronPreset, locale?: string): string {
  return preset.label.replace(/(\d\d):(\d\d)/, (_, h: string, m: string) => formatHourMinute(Number(h), Number(m), locale));
}

export interface CronError {
  readonly kind: 'invalid-cron';
  readonly message: string;
  readonly hint: string;
}

export type CronCheck =
  | { readonly ok: true; readonly expression: string; readonly description: string }
  | { readonly ok: false; readonly error: CronError };

/** What every schedule error adds: how a valid one looks. */
export const CRON_HINT = 'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 3 * * *" for every day at 03:00.';

/** Collapses runs of blanks so "0  3 * * *" and "0 3 * * *" are the same schedule. */
export function normalizeCron(expression: string): string {
  return expression.trim().split(/\s+/).join(' ');
}

/**
 * Words for a valid expression ("Every day at 03:00", "At 02:30, Monday through Friday"), times
 * written the way the locale writes them (default: the 24-hour clock); falls back to the expression.
 */
export function describeCron(expression: string, locale?: string): string {
  const preset = CRON_PRESETS.find((p) => p.expression === normalizeCron(expression));
  if (preset) return locale === undefined ? preset.label : presetLabel(preset, locale);
  try {
    return cronstrue.toString(normalizeCron(expression), { use24HourTimeFormat: locale === undefined || !uses12HourClock(locale), verbose: false });
  } catch {
    return normalizeCron(expression);
  }
}

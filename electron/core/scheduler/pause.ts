// Pause choices offered in the tray and the header, turned into an end time. Pure.
import { nextRunTime } from './cron.js';

export type PauseChoice = 'one-hour' | 'until-tomorrow' | 'until-resumed';

/** When a pause chosen at `nowMs` ends: in an hour, at the next local midnight, or never (null). */
export function pauseEndsAt(choice: PauseChoice, nowMs: number, timezone?: string): number | null {
  switch (choice) {
    case 'one-hour':
      return nowMs + 60 * 60 * 1000;
    case 'until-tomorrow':
      // Local midnight through the cron engine, so DST days (23 h / 25 h) come out right.
      return nextRunTime('0 0 * * *', nowMs, timezone);
    case 'until-resumed':
      return null;
    default: {
      const never: never = choice;
      throw new Error(`Unknown pause choice: ${String(never)}`);
    }
  }
}

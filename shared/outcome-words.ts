// How an outcome is said, the same in the window and on the command line.
import type { Outcome } from './model.js';

/** The words for a run's or a destination's outcome. */
export const outcomeWords: Readonly<Record<Outcome, string>> = {
  running: 'Running',
  success: 'Succeeded',
  partial: 'Partly failed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  skipped: 'Destination missing',
};

/** A symbol per outcome, for places with little room (tables, the tray's recent runs). */
export const outcomeSymbols: Readonly<Record<Outcome, string>> = { running: '…', success: '✓', partial: '!', failed: '✗', cancelled: '■', interrupted: '■', skipped: '–' };

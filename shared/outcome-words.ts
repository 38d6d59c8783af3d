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

/** The words for a restore point's state: complete, complete but for files that changed or vanished while it was taken, or lacking files. */
export const pointOutcomeWords: Readonly<Record<'ok' | 'warning' | 'partial', string>> = {
  ok: 'Complete',
  warning: 'Complete, files changed or vanished meanwhile',
  partial: 'Incomplete',
};

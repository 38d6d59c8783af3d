// How an outcome looks everywhere: a coloured badge with a symbol and plain words.
import type { Outcome } from '../../../shared/model';
import { outcomeWords as label } from '../../../shared/outcome-words';

const symbol: Record<Outcome, string> = { running: '…', success: '✓', partial: '!', failed: '✗', cancelled: '■', interrupted: '■', skipped: '–' };

/** The tone (colour family) of an outcome. */
export function toneOf(outcome: Outcome | null): 'ok' | 'warn' | 'bad' | 'muted' | 'busy' {
  switch (outcome) {
    case 'success':
      return 'ok';
    case 'partial':
    case 'skipped':
    case 'interrupted':
      return 'warn';
    case 'failed':
      return 'bad';
    case 'running':
      return 'busy';
    default:
      return 'muted';
  }
}

/** A badge for an outcome. */
export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  return (
    <span className={`badge tone-${toneOf(outcome)}`} data-outcome={outcome}>
      <span aria-hidden="true">{symbol[outcome]}</span> {label[outcome]}
    </span>
  );
}

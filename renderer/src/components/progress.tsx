// A live progress block: bar, percent, bytes, speed, ETA and the file being copied. The percent is
// the whole run's; the bytes name the destination they belong to when the run has several, so the
// two never seem to disagree ("75 %" next to "to NAS (2 of 2 destinations): 16.7 MB of 33.7 MB").
import { formatDuration, formatSpeed, progressBytes } from '../../../shared/format';
import type { RunProgress } from '../../../shared/model';

/** Shows one run's live progress. */
export function RunProgressView({ p }: { p: RunProgress }) {
  const current = p.current[0];
  const bytes = progressBytes(p);
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p.percent} aria-label="Backup progress">
        <div className="progress-fill" style={{ width: `${p.percent}%` }} />
      </div>
      <div className="progress-line">
        <strong data-testid="progress-percent">{p.percent.toFixed(0)} %</strong>
        {bytes && <span data-testid="progress-bytes">{bytes}</span>}
        {p.steps > 1 && <span data-testid="progress-source">source {p.step} of {p.steps}</span>}
        {bytes && <span>{formatSpeed(p.speed)}</span>}
        {bytes && <span>{p.eta !== null ? `${formatDuration(p.eta)} left` : 'estimating…'}</span>}
      </div>
      {current && (
        <div className="progress-file" title={current.name}>
          {current.name}
        </div>
      )}
    </div>
  );
}

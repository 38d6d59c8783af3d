// A live progress block: bar, percent, bytes, speed, ETA and the file being copied; while a
// destination waits to try again, what went wrong and a countdown instead of the figures. The
// percent is the whole run's; the bytes name the destination they belong to when the run has
// several, so the two never seem to disagree ("75 %" next to "to NAS (2 of 2 destinations): 16.7 MB of 33.7 MB").
import { useEffect, useState } from 'react';
import { formatDuration, formatSpeed, progressBytes, progressWhere, retryLine } from '../../../shared/format';
import type { RetryWait, RunProgress } from '../../../shared/model';

// Counts a retry wait down from the moment its sample arrived (the core's clock may differ).
function RetryNotice({ retry }: { retry: RetryWait }) {
  const [since] = useState(() => Date.now());
  const [now, setNow] = useState(since);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="progress-retry" data-testid="progress-retry" role="status">
      {retryLine(retry, retry.delayMs - (now - since))}
    </div>
  );
}

/** Shows one run's live progress. */
export function RunProgressView({ p }: { p: RunProgress }) {
  const current = p.current[0];
  const where = progressWhere(p);
  const bytes = progressBytes(p);
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p.percent} aria-label="Backup progress">
        <div className="progress-fill" style={{ width: `${p.percent}%` }} />
      </div>
      {p.retry ? (
        <>
          {/* keyed by the sample, so a new wait starts its own countdown */}
          <RetryNotice key={`${p.destId}-${p.retry.attempt}`} retry={p.retry} />
          {where && (
            <div className="progress-line">
              <span data-testid="progress-where">{where}</span>
            </div>
          )}
        </>
      ) : (
        <div className="progress-line">
          {/* With several destinations the percent is the whole run's, and the bytes one destination's: say so. */}
          <strong data-testid="progress-percent">
            {Math.floor(p.percent)} %{p.destCount > 1 ? ' of the run' : ''}
          </strong>
          {bytes && <span data-testid="progress-bytes">{bytes}</span>}
          {p.steps > 1 && (
            <span data-testid="progress-source">
              source {p.step} of {p.steps}
            </span>
          )}
          {bytes && <span>{formatSpeed(p.speed)}</span>}
          {bytes && <span>{p.eta !== null ? `${formatDuration(p.eta)} left` : 'estimating…'}</span>}
        </div>
      )}
      {current && !p.retry && (
        <div className="progress-file" title={current.name}>
          {current.name}
        </div>
      )}
    </div>
  );
}

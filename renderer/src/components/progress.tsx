// A live progress block: bar, percent, bytes, speed, ETA and the file being copied.
import { formatBytes, formatDuration, formatSpeed, progressWhere } from '../../../shared/format';
import type { RunProgress } from '../../../shared/model';

/** Shows one run's live progress. */
export function RunProgressView({ p }: { p: RunProgress }) {
  const current = p.current[0];
  const where = progressWhere(p);
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p.percent} aria-label="Backup progress">
        <div className="progress-fill" style={{ width: `${p.percent}%` }} />
      </div>
      <div className="progress-line">
        <strong data-testid="progress-percent">{p.percent.toFixed(0)} %</strong>
        <span>
          {formatBytes(p.bytes)} of {formatBytes(p.totalBytes)}
        </span>
        <span>{formatSpeed(p.speed)}</span>
        <span>{p.eta !== null ? `${formatDuration(p.eta)} left` : 'estimating…'}</span>
        {where && <span data-testid="progress-where">{where}</span>}
      </div>
      {current && (
        <div className="progress-file" title={current.name}>
          {current.name}
        </div>
      )}
    </div>
  );
}

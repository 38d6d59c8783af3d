// History: every run, newest first, with each destination's result folded below.
import { useState } from 'react';
import { formatBytes, formatDuration, plural } from '../../../shared/format';
import { OutcomeBadge } from '../components/outcome';
import { useUi } from '../store';

/** The history page. */
export function History() {
  const { runs } = useUi();
  const [open, setOpen] = useState<number | null>(null);
  if (runs.length === 0) {
    return (
      <div className="empty">
        <h2>No runs yet</h2>
        <p>Every backup will be listed here with what it copied and how it ended.</p>
      </div>
    );
  }
  return (
    <div className="card list" data-testid="history">
      {runs.map((r) => (
        <div key={r.id} className="history-item" data-testid="history-row" data-outcome={r.outcome}>
          <button className="list-row history-row" onClick={() => setOpen(open === r.id ? null : r.id)} aria-expanded={open === r.id}>
            <OutcomeBadge outcome={r.outcome} />
            <strong>{r.jobName}</strong>
            <span className="muted">{new Date(r.startedAt).toLocaleString()}</span>
            <span className="muted">{r.endedAt ? formatDuration((r.endedAt - r.startedAt) / 1000) : 'running'}</span>
            <span>
              {formatBytes(r.bytes)} · {plural(r.files, 'file')}
            </span>
            <span className="muted small">{r.dryRun ? 'dry run · ' : ''}{r.trigger}</span>
          </button>
          {open === r.id && (
            <div className="history-detail">
              {r.destinations.map((d) => (
                <div className="dest-row" key={d.destId}>
                  <OutcomeBadge outcome={d.outcome} />
                  <span>{d.target}</span>
                  <span className="muted">
                    {formatBytes(d.bytes)} · {plural(d.files, 'file')}
                  </span>
                  {d.firstError && <span className="error-text">{d.firstError}</span>}
                </div>
              ))}
              {r.logPath && <div className="muted small">Log: {r.logPath}</div>}
            </div>
          )}
        </div>
      ))}
    </div>
  );
}

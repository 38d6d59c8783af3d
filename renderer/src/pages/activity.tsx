// History's Activity view: the audit log — runs, file operations and rclone config changes, with who
// started each (window, command line, schedule, a browser on reprise serve), newest first.
import { useEffect, useState } from 'react';
import type { AuditActor, AuditEntry } from '../../../shared/audit';
import { formatBytes, plural } from '../../../shared/format';
import { When } from '../components/when';
import { useUi } from '../store';

const actorLabel: Record<AuditActor, string> = { window: 'Window', cli: 'Command line', schedule: 'Schedule', serve: 'Browser (serve)' };
const kinds = [
  { value: '', label: 'Everything' },
  { value: 'run', label: 'Backup runs' },
  { value: 'files', label: 'File operations' },
  { value: 'remote', label: 'Remote changes' },
] as const;

/** The audit log as a table. */
export function Activity() {
  const { call, runs } = useUi();
  const [kind, setKind] = useState('');
  const [entries, setEntries] = useState<readonly AuditEntry[] | null>(null);
  useEffect(() => {
    void call('audit:list', { limit: 500, ...(kind ? { operation: kind } : {}) }).then((r) => r.ok && setEntries(r.value));
  }, [call, kind, runs]);
  return (
    <div className="stack">
      <div className="filters card">
        <label>
          Show
          <select data-testid="activity-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {kinds.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {entries && entries.length === 0 ? (
        <div className="empty">
          <h2>No activity yet</h2>
          <p>Backup runs, file operations and changes to your remotes are listed here, with who started them.</p>
        </div>
      ) : (
        <div className="card">
          <table className="activity" data-testid="activity">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>From</th>
                <th>To</th>
                <th>Result</th>
                <th>Amount</th>
              </tr>
            </thead>
            <tbody>
              {(entries ?? []).map((e) => (
                <tr key={e.id} data-testid="activity-row" data-operation={e.operation} data-result={e.result}>
                  <td className="muted nowrap">
                    <When ms={e.at} style="short" />
                  </td>
                  <td>{actorLabel[e.actor]}</td>
                  <td>
                    <strong>{e.operation}</strong>
                    {e.detail && <div className="muted small">{e.detail}</div>}
                  </td>
                  <td className="path-cell">{e.source ?? ''}</td>
                  <td className="path-cell">{e.destination ?? ''}</td>
                  <td className={e.result === 'failed' ? 'error-text' : e.result === 'ok' ? '' : 'muted'}>{e.result}</td>
                  <td className="muted nowrap">{e.files || e.bytes ? `${plural(e.files, 'file')} · ${formatBytes(e.bytes)}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

// The files a run could not back up, per destination, with why; the next run tries them again.
import { useEffect, useState } from 'react';
import type { RunSummary } from '../../../shared/model';
import type { RunFailures } from '../../../shared/run-failures';
import { plural } from '../../../shared/format';
import { useUi } from '../store';

/** Lists a run's failed files per destination; nothing when every file got there. */
export function FailedFiles({ run }: { run: RunSummary }) {
  const { call } = useUi();
  const [failures, setFailures] = useState<RunFailures | null>(null);
  useEffect(() => {
    void call('runs:failures', { runId: run.id, limit: 500 }).then((r) => r.ok && setFailures(r.value));
  }, [call, run.id, run.outcome]);
  if (!failures || Object.keys(failures.counts).length === 0) return null;
  return (
    <div className="failed-files" data-testid="run-failures">
      {Object.entries(failures.counts).map(([destId, count]) => {
        const target = run.destinations.find((d) => d.destId === destId)?.target ?? destId;
        const files = failures.files.filter((f) => f.destId === destId);
        return (
          <div key={destId}>
            <div className="error-text">
              {plural(count, 'file')} not backed up to {target} — the next run tries again
            </div>
            <ul className="small">
              {files.map((f) => (
                <li key={f.path}>
                  <code>{f.path}</code> <span className="muted">— {f.error}</span>
                </li>
              ))}
              {count > files.length && <li className="muted">… and {count - files.length} more</li>}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

// History: every run, newest first, filtered by job, outcome and date; each run opens to its
// destinations' statistics, what changed, and its log.
import { useCallback, useEffect, useState } from 'react';
import type { ChangeActionDto, ChangeEntryDto, DestinationChangesDto } from '../../../shared/contract/runs';
import { formatBytes, formatDuration, plural } from '../../../shared/format';
import type { Outcome, RunSummary, RunTrigger } from '../../../shared/model';
import { outcomeWords } from '../../../shared/outcome-words';
import { type LogLine, readableLog, runProblem } from '../../../shared/run-words';
import { OutcomeBadge } from '../components/outcome';
import { When } from '../components/when';
import { useUi } from '../store';
import { FailedFiles } from '../components/failed-files';
import { Activity } from './activity';

const triggerLabel: Record<RunTrigger, string> = { schedule: 'Scheduled', 'catch-up': 'Caught up', manual: 'Manual', cli: 'Command line' };
const outcomes: readonly Outcome[] = ['success', 'partial', 'failed', 'skipped', 'cancelled', 'interrupted', 'running'];

interface Filter {
  readonly job: string;
  readonly outcome: Outcome | '';
  readonly from: string;
  readonly to: string;
}

// A yyyy-mm-dd from a date input as local midnight.
const dayStart = (d: string) => (d ? new Date(`${d}T00:00:00`).getTime() : undefined);

function Changes({ run }: { run: RunSummary }) {
  const { call } = useUi();
  const [counts, setCounts] = useState<readonly DestinationChangesDto[] | null>(null);
  const [dest, setDest] = useState<string | null>(null);
  const [action, setAction] = useState<ChangeActionDto | ''>('');
  const [entries, setEntries] = useState<readonly ChangeEntryDto[]>([]);
  const [total, setTotal] = useState(0);
  useEffect(() => {
    void call('runs:changes', { runId: run.id, ...(dest ? { destId: dest } : {}), ...(action ? { action } : {}), limit: 200, offset: 0 }).then((r) => {
      if (!r.ok) return;
      setCounts(r.value.counts);
      setEntries(r.value.entries);
      setTotal(r.value.total);
      if (!dest && r.value.counts[0]) setDest(r.value.counts[0].destId);
    });
  }, [call, run.id, dest, action]);
  if (!counts) return null;
  const changed = counts.some((c) => c.added + c.changed + c.deleted > 0);
  if (!changed) return <div className="muted small">Nothing changed in this run.</div>;
  const target = (id: string) => run.destinations.find((d) => d.destId === id)?.target ?? id;
  return (
    <div className="changes" data-testid="run-changes">
      <div className="filters">
        <label>
          Destination
          <select value={dest ?? ''} onChange={(e) => setDest(e.target.value)}>
            {counts.map((c) => (
              <option key={c.destId} value={c.destId}>
                {target(c.destId)} — {c.added} added, {c.changed} changed, {c.deleted} deleted
              </option>
            ))}
          </select>
        </label>
        <label>
          Show
          <select value={action} onChange={(e) => setAction(e.target.value as ChangeActionDto | '')}>
            <option value="">All changes</option>
            <option value="added">Added</option>
            <option value="changed">Changed</option>
            <option value="deleted">Deleted</option>
          </select>
        </label>
      </div>
      <ul className="change-list">
        {entries.map((e, i) => (
          <li key={i} title={e.path}>
            {e.action === 'added' ? '+ ' : e.action === 'deleted' ? '− ' : '~ '}
            {e.path}
            {e.size !== null && <span className="muted"> · {formatBytes(e.size)}</span>}
          </li>
        ))}
      </ul>
      {total > entries.length && <div className="muted small">Showing {entries.length} of {plural(total, 'file')}.</div>}
    </div>
  );
}

function LogView({ lines }: { lines: readonly LogLine[] }) {
  return (
    <ol className="log-view" data-testid="run-log">
      {lines.map((l, i) => (
        <li key={i} className={`log-${l.level}`}>
          {l.time && <span className="log-time">{new Date(l.time).toLocaleTimeString()}</span>}
          <span className="log-text">{l.text}</span>
        </li>
      ))}
    </ol>
  );
}

function Log({ run }: { run: RunSummary }) {
  const { call, info } = useUi();
  const [log, setLog] = useState<{ text: string; truncated: boolean; available: boolean } | null>(null);
  const [raw, setRaw] = useState(false);
  if (!run.logPath) return null;
  if (!log) {
    return (
      <button className="button small" onClick={() => void call('runs:log', { runId: run.id, maxBytes: 200_000 }).then((r) => r.ok && setLog(r.value))}>
        Open log
      </button>
    );
  }
  if (!log.available) return <div className="muted small">The log of this run was removed to save space.</div>;
  return (
    <div className="stack-tight">
      <div className="log-head">
        <span className="muted small">{log.truncated ? 'The end of the log:' : 'The log:'}</span>
        <label className="check small">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> As rclone and rsync wrote it
        </label>
      </div>
      {raw ? (
        <pre className="log-view raw" data-testid="run-log-raw">
          {log.text}
        </pre>
      ) : (
        <LogView lines={readableLog(log.text)} />
      )}
      {/* A file path helps in the desktop app (and on the server's own disk); a browser cannot open it. */}
      {info?.host === 'electron' && <div className="muted small">{run.logPath}</div>}
    </div>
  );
}

function RunDetail({ run }: { run: RunSummary }) {
  const problem = runProblem(run);
  return (
    <div className="history-detail">
      {problem && (
        <div className={`problem-line ${run.outcome === 'cancelled' ? 'muted' : 'error-text'}`} data-testid="history-problem">
          {problem}
        </div>
      )}
      <div className="dest-stats">
        {run.destinations.map((d) => {
          const why = runProblem(d);
          return (
            <div key={d.destId} style={{ display: 'contents' }}>
              <OutcomeBadge outcome={d.outcome} />
              <span className="dest-target">
                {d.target}
                {why && why !== problem && <div className={d.outcome === 'cancelled' ? 'muted small' : 'error-text'}>{why}</div>}
              </span>
              <span className="muted">
                {formatBytes(d.bytes)} · {plural(d.files, 'file')}
                {d.requests !== undefined ? ` · ${plural(d.requests, 'request')}` : ''}
                {d.sync === 'full' ? ' · full check (listed everything)' : d.sync === 'top-up' ? ' · top-up (sent only what changed)' : ''}
                {d.errors > 0 ? ` · ${plural(d.errors, 'error')}` : ''}
                {d.endedAt ? ` · ${formatDuration((d.endedAt - d.startedAt) / 1000)}` : ''}
              </span>
            </div>
          );
        })}
      </div>
      <FailedFiles run={run} />
      <Changes run={run} />
      <Log run={run} />
    </div>
  );
}

/** The history page: runs, or the Activity view (the audit log). */
export function History() {
  const [view, setView] = useState<'runs' | 'activity'>('runs');
  return (
    <div className="stack">
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={view === 'runs'} data-testid="history-tab-runs" className={`button ${view === 'runs' ? '' : 'ghost'} small`} onClick={() => setView('runs')}>
          Runs
        </button>
        <button role="tab" aria-selected={view === 'activity'} data-testid="history-tab-activity" className={`button ${view === 'activity' ? '' : 'ghost'} small`} onClick={() => setView('activity')}>
          Activity
        </button>
      </div>
      {view === 'runs' ? <Runs /> : <Activity />}
    </div>
  );
}

function Runs() {
  const { jobs, call, focusRun, runs: liveRuns } = useUi();
  const [filter, setFilter] = useState<Filter>({ job: '', outcome: '', from: '', to: '' });
  const [runs, setRuns] = useState<readonly RunSummary[] | null>(null);
  const [open, setOpen] = useState<number | null>(focusRun);

  const load = useCallback(async () => {
    const since = dayStart(filter.from);
    const toStart = dayStart(filter.to);
    const r = await call('runs:history', {
      limit: 200,
      ...(filter.job ? { name: filter.job } : {}),
      ...(filter.outcome ? { outcome: filter.outcome } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(toStart !== undefined ? { until: toStart + 24 * 3600 * 1000 } : {}),
    });
    if (r.ok) setRuns(r.value);
  }, [call, filter]);
  // Reload when the filter changes and whenever the store saw runs start or finish.
  useEffect(() => {
    void load();
  }, [load, liveRuns]);
  useEffect(() => {
    if (focusRun !== null) {
      setOpen(focusRun);
      useUi.setState({ focusRun: null });
    }
  }, [focusRun]);

  const set = (patch: Partial<Filter>) => setFilter((f) => ({ ...f, ...patch }));
  const filtered = filter.job || filter.outcome || filter.from || filter.to;
  return (
    <div className="stack">
      <div className="filters card" role="search">
        <label>
          Job
          <select data-testid="filter-job" value={filter.job} onChange={(e) => set({ job: e.target.value })}>
            <option value="">All jobs</option>
            {jobs.map((j) => (
              <option key={j.job.id} value={j.job.name}>
                {j.job.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select data-testid="filter-outcome" value={filter.outcome} onChange={(e) => set({ outcome: e.target.value as Outcome | '' })}>
            <option value="">Any outcome</option>
            {outcomes.map((o) => (
              <option key={o} value={o}>
                {outcomeWords[o]}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" value={filter.from} onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filter.to} onChange={(e) => set({ to: e.target.value })} />
        </label>
        {filtered && (
          <button className="button ghost small" onClick={() => setFilter({ job: '', outcome: '', from: '', to: '' })}>
            Clear
          </button>
        )}
      </div>
      {runs && runs.length === 0 ? (
        <div className="empty">
          <h2>{filtered ? 'No runs match' : 'No runs yet'}</h2>
          <p>{filtered ? 'Try another job, outcome or date.' : 'Every backup will be listed here with what it copied and how it ended.'}</p>
        </div>
      ) : (
        <div className="card list" data-testid="history">
          {(runs ?? []).map((r) => (
            <div key={r.id} className="history-item" data-testid="history-row" data-outcome={r.outcome} data-trigger={r.trigger}>
              <button className={`list-row history-row ${open === r.id ? 'focused' : ''}`} onClick={() => setOpen(open === r.id ? null : r.id)} aria-expanded={open === r.id}>
                <OutcomeBadge outcome={r.outcome} />
                <strong>{r.jobName}</strong>
                <span className="muted">
                  <When ms={r.startedAt} style="short" />
                </span>
                <span className="muted">{r.endedAt ? formatDuration((r.endedAt - r.startedAt) / 1000) : 'running'}</span>
                <span>
                  {formatBytes(r.bytes)} · {plural(r.files, 'file')}
                </span>
                <span className="muted small">
                  {r.dryRun ? 'dry run · ' : ''}
                  {triggerLabel[r.trigger]}
                </span>
              </button>
              {open === r.id && <RunDetail run={r} />}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

// Jobs: the list of jobs and the form that creates one (sources → destinations).
import { type FormEvent, useEffect, useState } from 'react';
import type { RemoteInfo } from '../../../shared/model';
import type { AppError } from '../../../shared/result';
import { Icon } from '../components/icons';
import { useUi } from '../store';

const schedulePresets: readonly { label: string; cron: string | null }[] = [
  { label: 'Only when I click Back up now', cron: null },
  { label: 'Every day at 03:00', cron: '0 3 * * *' },
  { label: 'Every Sunday at 04:00', cron: '0 4 * * 0' },
  { label: 'Every hour', cron: '0 * * * *' },
];

function ListEditor({ label, values, onChange, placeholder, testId }: { label: string; values: string[]; onChange: (v: string[]) => void; placeholder: string; testId: string }) {
  return (
    <fieldset className="field">
      <legend>{label}</legend>
      {values.map((v, i) => (
        <div className="row" key={i}>
          <input
            data-testid={`${testId}-${i}`}
            aria-label={`${label} ${i + 1}`}
            value={v}
            placeholder={placeholder}
            onChange={(e) => onChange(values.map((x, j) => (j === i ? e.target.value : x)))}
          />
          {values.length > 1 && (
            <button type="button" className="button ghost" aria-label={`Remove ${label} ${i + 1}`} onClick={() => onChange(values.filter((_, j) => j !== i))}>
              <Icon name="trash" size={14} />
            </button>
          )}
        </div>
      ))}
      <button type="button" className="button ghost small" onClick={() => onChange([...values, ''])}>
        <Icon name="plus" size={13} /> Add another
      </button>
    </fieldset>
  );
}

function JobForm({ onDone }: { onDone: () => void }) {
  const { call } = useUi();
  const [name, setName] = useState('');
  const [sources, setSources] = useState<string[]>(['']);
  const [targets, setTargets] = useState<string[]>(['']);
  const [schedule, setSchedule] = useState<string | null>(null);
  const [excludes, setExcludes] = useState('');
  const [bwlimit, setBwlimit] = useState('');
  const [remotes, setRemotes] = useState<readonly RemoteInfo[]>([]);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void call('remotes:list', {}).then((r) => r.ok && setRemotes(r.value));
  }, [call]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await call('jobs:add', {
      name,
      sources: sources.map((s) => s.trim()).filter(Boolean),
      destinations: targets
        .map((t) => t.trim())
        .filter(Boolean)
        .map((target) => ({ kind: 'copy' as const, target })),
      excludes: excludes
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      schedule,
      bwlimit: bwlimit.trim() || null,
    });
    setBusy(false);
    if (r.ok) onDone();
    else setError(r.error);
  };

  return (
    <form className="card form" onSubmit={submit} aria-label="New backup job">
      <h2>New backup job</h2>
      <label className="field">
        <span>Name</span>
        <input data-testid="job-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Music" autoFocus />
      </label>
      <ListEditor label="Source folder" values={sources} onChange={setSources} placeholder="/home/me/Music" testId="job-source" />
      <ListEditor label="Copy to" values={targets} onChange={setTargets} placeholder="/media/backup or remote:path" testId="job-target" />
      {remotes.length > 0 && (
        <p className="help">
          Your rclone remotes:{' '}
          {remotes.map((r) => (
            <button
              type="button"
              key={r.name}
              className="chip link"
              onClick={() => setTargets((t) => (t[t.length - 1] === '' ? [...t.slice(0, -1), `${r.name}:`] : [...t, `${r.name}:`]))}
            >
              {r.name}: <small>{r.type}</small>
            </button>
          ))}
        </p>
      )}
      <p className="help">Each source folder lands in the destination under its own name. Copy adds and updates files there and never deletes.</p>
      <label className="field">
        <span>When</span>
        <select data-testid="job-schedule" value={schedule ?? ''} onChange={(e) => setSchedule(e.target.value || null)}>
          {schedulePresets.map((p) => (
            <option key={p.label} value={p.cron ?? ''}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Leave out (one pattern a line)</span>
        <textarea value={excludes} onChange={(e) => setExcludes(e.target.value)} placeholder={'*.tmp\n.DS_Store'} rows={2} />
      </label>
      <details className="advanced">
        <summary>More options</summary>
        <label className="field">
          <span>Bandwidth limit</span>
          <input data-testid="job-bwlimit" value={bwlimit} onChange={(e) => setBwlimit(e.target.value)} placeholder='none, "4M", or "08:00,512k 23:00,off"' />
        </label>
      </details>
      {error && (
        <div className="error-box" role="alert" data-testid="form-error">
          <strong>{error.message}</strong>
          {error.hint && <div>{error.hint}</div>}
        </div>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Checking…' : 'Create job'}
        </button>
      </div>
    </form>
  );
}

/** The jobs page. */
export function Jobs() {
  const { jobs, loaded, call } = useUi();
  const [creating, setCreating] = useState(false);
  const showForm = creating || (loaded && jobs.length === 0);
  const remove = async (name: string) => {
    if (!window.confirm(`Remove the job "${name}"? Its backups stay where they are.`)) return;
    const r = await call('jobs:remove', { name });
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  return (
    <div className="stack">
      {showForm ? (
        <JobForm onDone={() => setCreating(false)} />
      ) : (
        <div className="toolbar">
          <button className="button primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={14} /> New job
          </button>
        </div>
      )}
      {jobs.length > 0 && (
        <div className="card list">
          {jobs.map(({ job }) => (
            <div className="list-row" key={job.id} data-testid="job-row">
              <div>
                <strong>{job.name}</strong>
                <div className="muted small">
                  {job.sources.join(', ')} → {job.destinations.map((d) => d.target).join(', ')}
                </div>
              </div>
              <span className="muted small">{job.schedule ?? 'manual'}</span>
              <button className="button ghost" aria-label={`Remove job ${job.name}`} onClick={() => remove(job.name)}>
                <Icon name="trash" size={14} />
              </button>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

// Jobs: the list of jobs and the form that creates one (sources → destinations).
import { type FormEvent, useEffect, useState } from 'react';
import type { DestinationKind, Job, RemoteInfo } from '../../../shared/model';
import { defaultRetention } from '../../../shared/restore';
import { CRON_PRESETS, describeCron, normalizeCron } from '../../../shared/schedule';
import type { AppError } from '../../../shared/result';
import { Icon } from '../components/icons';
import { useUi } from '../store';
import { ErrorBox } from '../components/error-box';

const destinationKinds: readonly { kind: DestinationKind; label: string; help: string }[] = [
  { kind: 'copy', label: 'A copy (adds and updates, never deletes)', help: 'Copy adds and updates files at the destination and never deletes.' },
  { kind: 'snapshot', label: 'Snapshots in a local or NAS folder (restore points)', help: 'rsync snapshots: every run is a restore point; unchanged files cost no space.' },
  { kind: 'mirror', label: 'A versioned mirror on a remote (restore points)', help: 'current/ mirrors your folder; replaced and deleted files are kept in versions/.' },
];

const CUSTOM = 'custom';

type ScheduleCheck = { ok: true; value: { description: string; nextRuns: readonly number[] } } | { ok: false; error: AppError };

/** The core's schedule engine on what the user typed: its words and next runs, or what is wrong. */
function useScheduleCheck(value: string | null): ScheduleCheck | null {
  const { call } = useUi();
  const [check, setCheck] = useState<{ result: ScheduleCheck } | null>(null);
  useEffect(() => {
    if (value === null) return;
    let current = true;
    void call('schedules:check', { expression: value, count: 3 }).then((r) => {
      // Typing is faster than answers: only the answer to what the field holds now counts.
      if (current) setCheck({ result: r });
    });
    return () => {
      current = false;
    };
  }, [value, call]);
  // Until the answer for the newest text arrives the previous one stays: no flicker per keystroke.
  return value === null || !check ? null : check.result;
}

/** The schedule editor: presets, a free cron field, its meaning in words and the next three runs. */
function ScheduleEditor({ value, onChange }: { value: string | null; onChange: (v: string | null) => void }) {
  const preset = value === null ? '' : (CRON_PRESETS.find((p) => p.expression === normalizeCron(value))?.expression ?? CUSTOM);
  const [custom, setCustom] = useState(preset === CUSTOM);
  const mode = custom ? CUSTOM : preset;
  const check = useScheduleCheck(value);
  return (
    <fieldset className="field">
      <legend>When</legend>
      <select
        data-testid="job-schedule"
        aria-label="When"
        value={mode}
        onChange={(e) => {
          const v = e.target.value;
          setCustom(v === CUSTOM);
          if (v === CUSTOM) onChange(value ?? '0 3 * * *');
          else onChange(v || null);
        }}
      >
        <option value="">Only when I click Back up now</option>
        {CRON_PRESETS.map((p) => (
          <option key={p.id} value={p.expression}>
            {p.label}
          </option>
        ))}
        <option value={CUSTOM}>Custom (cron)…</option>
      </select>
      {mode === CUSTOM && (
        <input data-testid="job-cron" aria-label="Cron schedule" value={value ?? ''} onChange={(e) => onChange(e.target.value)} placeholder="minute hour day month weekday, e.g. 30 2 * * 1-5" spellCheck={false} />
      )}
      {check && (
        <div className="schedule-preview" data-testid="schedule-preview" aria-live="polite">
          {check.ok ? (
            <>
              <strong>{check.value.description}</strong>
              <span>Next: {check.value.nextRuns.map((t) => new Date(t).toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' })).join(' · ')}</span>
              <span>Missed while the computer is off or asleep? It runs once when it is back.</span>
            </>
          ) : (
            <span className="error-text" data-testid="schedule-error">
              {check.error.message} {check.error.hint}
            </span>
          )}
        </div>
      )}
    </fieldset>
  );
}

const numberOrNull = (s: string): number | null => (s.trim() === '' ? null : Number(s));

function ListEditor({ label, values, onChange, placeholder, testId, pickFolder }: { label: string; values: string[]; onChange: (v: string[]) => void; placeholder: string; testId: string; pickFolder?: boolean }) {
  const { call, info } = useUi();
  // Only the desktop app has a native folder dialog; in a browser the path is typed (and checked on save).
  const canPick = pickFolder && info?.host === 'electron';
  const pick = async (i: number) => {
    const r = await call('app:pick-folder', { title: label });
    if (r.ok && r.value.path) onChange(values.map((x, j) => (j === i ? r.value.path! : x)));
  };
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
          {canPick && (
            <button type="button" className="button" onClick={() => void pick(i)}>
              Choose…
            </button>
          )}
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

/** What each remote destination can compare files by, when that needs saying (a remote without times or checksums). */
function DestinationNotes({ targets }: { targets: readonly string[] }) {
  const { call } = useUi();
  const [notes, setNotes] = useState<Record<string, string | null>>({});
  const remoteTargets = targets.map((t) => t.trim()).filter((t) => /^[^/\\:]+:/.test(t));
  const key = remoteTargets.join('\n');
  useEffect(() => {
    // Ask once the typing has settled; each remote is asked once.
    const timer = setTimeout(() => {
      for (const t of key.split('\n').filter(Boolean)) {
        const remote = t.slice(0, t.indexOf(':') + 1);
        if (remote in notes) continue;
        setNotes((n) => ({ ...n, [remote]: null }));
        void call('jobs:destination-info', { target: t }).then((r) => r.ok && setNotes((n) => ({ ...n, [remote]: r.value.note })));
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [key, call, notes]);
  const shown = [...new Set(remoteTargets.map((t) => t.slice(0, t.indexOf(':') + 1)))].map((r) => notes[r]).filter((n): n is string => !!n);
  if (shown.length === 0) return null;
  return (
    <>
      {shown.map((n) => (
        <p key={n} className="help note" data-testid="destination-note">
          <Icon name="warn" size={13} /> {n}
        </p>
      ))}
    </>
  );
}

function JobForm({ onDone, initial }: { onDone: () => void; initial?: Job }) {
  const { call } = useUi();
  const [name, setName] = useState(initial?.name ?? '');
  const [sources, setSources] = useState<string[]>(initial ? [...initial.sources] : ['']);
  const [targets, setTargets] = useState<string[]>(initial ? initial.destinations.map((d) => d.target) : ['']);
  const [schedule, setSchedule] = useState<string | null>(initial?.schedule ?? null);
  const [excludes, setExcludes] = useState(initial?.excludes.join('\n') ?? '');
  const [bwlimit, setBwlimit] = useState(initial?.bwlimit ?? '');
  const [stale, setStale] = useState(initial === undefined ? '3' : initial.staleAfterDays == null ? '' : String(initial.staleAfterDays));
  const [transfers, setTransfers] = useState(initial?.transfers ? String(initial.transfers) : '');
  const [checkers, setCheckers] = useState(initial?.checkers ? String(initial.checkers) : '');
  const [verify, setVerify] = useState(initial?.verify ?? false);
  const [kind, setKind] = useState<DestinationKind>(initial?.destinations[0]?.kind ?? 'copy');
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
    const input = {
      name,
      sources: sources.map((s) => s.trim()).filter(Boolean),
      destinations: targets
        .map((t) => t.trim())
        .filter(Boolean)
        .map((target) => ({ kind, target })),
      excludes: excludes
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      schedule: schedule === null ? null : schedule.trim(),
      bwlimit: bwlimit.trim() || null,
      // Restore points are thinned out the way Time Machine does: recent runs, days, weeks, months.
      retention: kind === 'copy' ? null : (initial?.retention ?? { ...defaultRetention }),
      staleAfterDays: numberOrNull(stale),
      transfers: numberOrNull(transfers),
      checkers: numberOrNull(checkers),
      verify,
    };
    const r = initial ? await call('jobs:update', { id: initial.id, ...input }) : await call('jobs:add', input);
    setBusy(false);
    if (r.ok) onDone();
    else setError(r.error);
  };

  return (
    <form className="card form" onSubmit={submit} aria-label={initial ? `Edit ${initial.name}` : 'New backup job'}>
      <h2>{initial ? `Edit “${initial.name}”` : 'New backup job'}</h2>
      <label className="field">
        <span>Name</span>
        <input data-testid="job-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Music" autoFocus />
      </label>
      <ListEditor label="Source folder" values={sources} onChange={setSources} placeholder="/home/me/Music" testId="job-source" pickFolder />
      <label className="field">
        <span>Keep the backup as</span>
        <select data-testid="job-kind" value={kind} onChange={(e) => setKind(e.target.value as DestinationKind)}>
          {destinationKinds.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <p className="help">{destinationKinds.find((k) => k.kind === kind)!.help}</p>
      <ListEditor label={kind === 'copy' ? 'Copy to' : 'Back up to'} values={targets} onChange={setTargets} placeholder="/media/backup or remote:path" testId="job-target" pickFolder />
      <DestinationNotes targets={targets} />
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
      <p className="help">Each source folder lands in the destination under its own name. A folder on a remote is written REMOTE:PATH (e.g. gdrive:Music); it can go to mirror and copy destinations, not snapshots.</p>
      <ScheduleEditor value={schedule} onChange={setSchedule} />
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
        <p className="help">A timetable changes the limit during the day: "08:00,512k 23:00,off" is slow in working hours and unlimited at night.</p>
        <div className="grid-2">
          <label className="field">
            <span>Files in parallel</span>
            <input data-testid="job-transfers" type="number" min={1} max={64} value={transfers} onChange={(e) => setTransfers(e.target.value)} placeholder="rclone default (4)" />
          </label>
          <label className="field">
            <span>Checkers</span>
            <input data-testid="job-checkers" type="number" min={1} max={256} value={checkers} onChange={(e) => setCheckers(e.target.value)} placeholder="rclone default (8)" />
          </label>
        </div>
        <label className="check">
          <input type="checkbox" data-testid="job-verify" checked={verify} onChange={(e) => setVerify(e.target.checked)} />
          <span>Verify after each backup (reads every file again; slower, catches silent corruption)</span>
        </label>
        <label className="field">
          <span>Warn when no backup succeeded for (days)</span>
          <input data-testid="job-stale" type="number" min={1} max={365} value={stale} onChange={(e) => setStale(e.target.value)} placeholder="never warn" />
        </label>
      </details>
      {error && <ErrorBox error={error} testId="form-error" />}
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Checking…' : initial ? 'Save changes' : 'Create job'}
        </button>
      </div>
    </form>
  );
}

/** The jobs page. */
export function Jobs() {
  const { jobs, loaded, call } = useUi();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Job | null>(null);
  const showForm = creating || (loaded && jobs.length === 0);
  const remove = async (name: string) => {
    if (!window.confirm(`Remove the job "${name}"? Its backups stay where they are.`)) return;
    const r = await call('jobs:remove', { name });
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  return (
    <div className="stack">
      {editing ? (
        <JobForm key={editing.id} initial={editing} onDone={() => setEditing(null)} />
      ) : showForm ? (
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
              <span className="muted small" title={job.schedule ?? undefined}>
                {job.schedule ? describeCron(job.schedule) : 'Manual only'}
              </span>
              <button className="button ghost" aria-label={`Edit job ${job.name}`} onClick={() => setEditing(job)}>
                Edit
              </button>
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

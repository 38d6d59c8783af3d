// Jobs: the list of jobs and the form that creates one (sources → destinations).
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import type { DestinationInfo, DestinationKind, DestinationResult, Job, RemoteInfo, RunSummary } from '../../../shared/model';
import { plural } from '../../../shared/format';
import { defaultRetention } from '../../../shared/restore';
import { CRON_PRESETS, describeCron, normalizeCron, presetLabel } from '../../../shared/schedule';
import { runtimeLocale } from '../../../shared/format';
import { optionsNotApplying } from '../../../shared/job-options';
import { ChooseFolder } from '../components/folder-picker';
import { When } from '../components/when';
import type { AppError } from '../../../shared/result';
import { Icon } from '../components/icons';
import { useUi } from '../store';
import { ErrorBox } from '../components/error-box';

const destinationKinds: readonly { kind: DestinationKind; label: string; help: string; placeholder: string }[] = [
  { kind: 'snapshot', label: 'Snapshots', help: 'rsync snapshots in a local or NAS folder: every run is a restore point; unchanged files cost no space.', placeholder: '/mnt/nas/snapshots' },
  { kind: 'mirror', label: 'Versioned mirror', help: 'current/ mirrors your folders; replaced and deleted files are kept in versions/, so every run is a restore point. Any rclone remote or a local folder.', placeholder: 'b2:bucket/music or /media/backup' },
  { kind: 'copy', label: 'Copy', help: 'Adds and updates files at the destination, never deletes; keeps no restore points.', placeholder: '/media/backup or remote:path' },
];

const isRemoteTarget = (t: string) => /^[^/\\:]+:/.test(t.trim());

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
            {presetLabel(p, runtimeLocale())}
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
              <strong>{describeCron(value ?? '', runtimeLocale())}</strong>
              <span>
                Next:{' '}
                {check.value.nextRuns.map((t, i) => (
                  <span key={t}>
                    {i > 0 && ' · '}
                    <When ms={t} style="short" />
                  </span>
                ))}
              </span>
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
const countText = (n: number | undefined) => (n === undefined ? '' : String(n));

function SourceList({ values, onChange }: { values: string[]; onChange: (v: string[]) => void }) {
  return (
    <fieldset className="field">
      <legend>Source folders</legend>
      {values.map((v, i) => (
        <div className="row" key={i}>
          <input data-testid={`job-source-${i}`} aria-label={`Source folder ${i + 1}`} value={v} placeholder="/home/me/Music" onChange={(e) => onChange(values.map((x, j) => (j === i ? e.target.value : x)))} />
          <ChooseFolder label={`Source folder ${i + 1}`} value={v} onPick={(p) => onChange(values.map((x, j) => (j === i ? p : x)))} />
          {values.length > 1 && (
            <button type="button" className="button ghost" aria-label={`Remove source folder ${i + 1}`} onClick={() => onChange(values.filter((_, j) => j !== i))}>
              <Icon name="trash" size={14} />
            </button>
          )}
        </div>
      ))}
      <button type="button" className="button ghost small" onClick={() => onChange([...values, ''])}>
        <Icon name="plus" size={13} /> Add another source
      </button>
      <p className="help">A folder on a remote is written REMOTE:PATH (e.g. gdrive:Music); it can go to mirror and copy destinations, not snapshots.</p>
    </fieldset>
  );
}

// What each remote can compare files by, asked once per remote (and once for local folders) for the window's life.
const infoAsked = new Map<string, Promise<DestinationInfo | null>>();

/** How rclone tells a changed file from an unchanged one at this destination, in words. */
function comparisonWords(c: DestinationInfo['comparison'], checksum: boolean): string {
  switch (c) {
    case 'modtime-and-hash':
      return checksum ? 'size and checksum' : 'size and modification time (checksums too with “Compare by checksum”)';
    case 'modtime':
      return 'size and modification time';
    case 'hash':
      return checksum ? 'size and checksum' : 'size only (size and checksum with “Compare by checksum”)';
    case 'size-only':
      return 'size only';
    case 'unknown':
      return 'not known (the remote did not say)';
  }
}

/** The requests the last runs made of one destination, newest first, with whether each was a full check. */
function costWords(runs: readonly RunSummary[], target: string): string | null {
  const seen = runs.flatMap((r) => r.destinations.filter((d) => d.target === target && d.requests !== undefined)).slice(0, 3);
  if (seen.length === 0) return null;
  const lastFull = runs.flatMap((r) => r.destinations).find((d) => d.target === target && d.sync === 'full' && d.requests !== undefined);
  const part = (d: DestinationResult) => `${plural(d.requests!, 'request')}${d.sync === 'full' ? ' (full check)' : d.sync === 'top-up' ? ' (top-up)' : ''}`;
  const parts = seen.map(part);
  if (lastFull && !seen.includes(lastFull)) parts.push(`last full check ${plural(lastFull.requests!, 'request')}`);
  return `Last runs: ${parts.join(' · ')}`;
}

/**
 * What a copy or mirror destination compares files by (from rclone's features of its remote), the
 * note when that is size alone, and what its last runs cost in requests (from History).
 */
function DestinationFacts({ target, kind, checksum, runs }: { target: string; kind: DestinationKind; checksum: boolean; runs: readonly RunSummary[] }) {
  const { call } = useUi();
  const [info, setInfo] = useState<DestinationInfo | null>(null);
  const t = target.trim();
  const key = t === '' ? null : isRemoteTarget(t) ? t.slice(0, t.indexOf(':') + 1) : '';
  useEffect(() => {
    setInfo(null);
    if (key === null || kind === 'snapshot') return;
    let live = true;
    // Ask once the typing has settled.
    const timer = setTimeout(() => {
      if (!infoAsked.has(key)) infoAsked.set(key, call('jobs:destination-info', { target: t }).then((r) => (r.ok ? r.value : null)));
      void infoAsked.get(key)!.then((n) => live && setInfo(n));
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // The answer depends on the remote, not on the path typed after it.
  }, [key, kind, call]);
  if (kind === 'snapshot' || key === null) return null;
  const cost = kind === 'mirror' ? costWords(runs, t) : null;
  return (
    <>
      {info && (
        <p className="help" data-testid="dest-comparison">
          Compares files by <strong>{comparisonWords(info.comparison, checksum)}</strong>
          {kind === 'mirror' && info.comparison !== 'unknown' ? '. Between full checks a run sends only what changed since the last one.' : '.'}
        </p>
      )}
      {info?.note && (
        <p className="help note" data-testid="destination-note">
          <Icon name="warn" size={13} /> {info.note}
        </p>
      )}
      {cost && (
        <p className="help" data-testid="dest-cost">
          {cost}
        </p>
      )}
    </>
  );
}

interface DestRow {
  readonly kind: DestinationKind;
  readonly target: string;
}

/** Every destination with its own kind: a snapshot folder and a cloud mirror in one job. */
function DestinationList({ rows, onChange, remotes, checksum, runs, fullCheck }: { rows: DestRow[]; onChange: (rows: DestRow[]) => void; remotes: readonly RemoteInfo[]; checksum: boolean; runs: readonly RunSummary[]; fullCheck: ReactNode }) {
  const set = (i: number, patch: Partial<DestRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  // A remote picked from the list lands in the last empty row (a new one otherwise); snapshots
  // cannot live on a remote, so such a row becomes a mirror.
  const useRemote = (name: string) => {
    const i = rows.findIndex((r) => r.target.trim() === '');
    const row = { kind: (i >= 0 && rows[i]!.kind !== 'snapshot' ? rows[i]!.kind : 'mirror') as DestinationKind, target: `${name}:` };
    onChange(i >= 0 ? rows.map((r, j) => (j === i ? row : r)) : [...rows, row]);
  };
  return (
    <fieldset className="field" aria-describedby="dest-help">
      <legend>Back up to</legend>
      {rows.map((r, i) => {
        const kind = destinationKinds.find((k) => k.kind === r.kind)!;
        const snapshotOnRemote = r.kind === 'snapshot' && isRemoteTarget(r.target);
        return (
          <div className="dest-row" key={i} data-testid="dest-row">
            <div className="row">
              <select className="dest-kind" data-testid={`job-kind-${i}`} aria-label={`Keep destination ${i + 1} as`} value={r.kind} onChange={(e) => set(i, { kind: e.target.value as DestinationKind })}>
                {destinationKinds.map((k) => (
                  <option key={k.kind} value={k.kind}>
                    {k.label}
                  </option>
                ))}
              </select>
              <input data-testid={`job-target-${i}`} aria-label={`Destination ${i + 1}`} value={r.target} placeholder={kind.placeholder} onChange={(e) => set(i, { target: e.target.value })} />
              <ChooseFolder label={`Destination ${i + 1}`} value={r.target} onPick={(p) => set(i, { target: p })} />
              {rows.length > 1 && (
                <button type="button" className="button ghost" aria-label={`Remove destination ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                  <Icon name="trash" size={14} />
                </button>
              )}
            </div>
            {snapshotOnRemote ? (
              <p className="help error-text" data-testid="dest-problem">
                Snapshots need a local or NAS folder, and {r.target.trim()} is an rclone remote.{' '}
                <button type="button" className="link small" onClick={() => set(i, { kind: 'mirror' })}>
                  Make it a versioned mirror
                </button>{' '}
                to keep restore points there.
              </p>
            ) : (
              <p className="help">{kind.help}</p>
            )}
            <DestinationFacts target={r.target} kind={r.kind} checksum={checksum} runs={runs} />
          </div>
        );
      })}
      <button type="button" className="button ghost small" onClick={() => onChange([...rows, { kind: rows.at(-1)?.kind === 'snapshot' ? 'mirror' : 'copy', target: '' }])}>
        <Icon name="plus" size={13} /> Add another destination
      </button>
      {remotes.length > 0 && (
        <p className="help">
          Your rclone remotes:{' '}
          {remotes.map((r) => (
            <button type="button" key={r.name} className="chip link" onClick={() => useRemote(r.name)}>
              {r.name}: <small>{r.type}</small>
            </button>
          ))}
        </p>
      )}
      <p className="help" id="dest-help">
        Each source folder lands in the destination under its own name.
      </p>
      {fullCheck}
    </fieldset>
  );
}

/**
 * Starts a full check of the saved job now: its mirrors list the whole destination and put right
 * what was changed there behind Reprise's back (rclone sync), instead of topping up from the record.
 */
function FullCheck({ job }: { job: Job }) {
  const { call, openRun } = useUi();
  const [started, setStarted] = useState<{ runId: number | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    const r = await call('runs:start', { name: job.name, dryRun: false, trigger: 'manual', full: true });
    setBusy(false);
    if (r.ok) setStarted({ runId: r.value.runId });
    else useUi.setState({ toast: r.error });
  };
  return (
    <div className="full-check">
      <button type="button" className="button small" data-testid="full-check" disabled={busy} onClick={() => void start()}>
        Full check now
      </button>
      {started ? (
        <span className="help" data-testid="full-check-started">
          Full check started{started.runId === null ? ' (it waits for the run before it)' : ''}.{' '}
          {started.runId !== null && (
            <button type="button" className="link small" onClick={() => openRun(started.runId!)}>
              Follow it in History
            </button>
          )}
        </span>
      ) : (
        <span className="help">
          Lists each mirror and puts right what was changed or deleted there behind Reprise&apos;s back. Reprise does this once a week by itself; it runs the saved settings of “{job.name}”.
        </span>
      )}
    </div>
  );
}

function JobForm({ onDone, initial }: { onDone: () => void; initial?: Job }) {
  const { call } = useUi();
  const [name, setName] = useState(initial?.name ?? '');
  const [sources, setSources] = useState<string[]>(initial ? [...initial.sources] : ['']);
  const [dests, setDests] = useState<DestRow[]>(initial ? initial.destinations.map((d) => ({ kind: d.kind, target: d.target })) : [{ kind: 'copy', target: '' }]);
  const [schedule, setSchedule] = useState<string | null>(initial?.schedule ?? null);
  const [excludes, setExcludes] = useState(initial?.excludes.join('\n') ?? '');
  const [bwlimit, setBwlimit] = useState(initial?.bwlimit ?? '');
  const [stale, setStale] = useState(initial === undefined ? '3' : initial.staleAfterDays == null ? '' : String(initial.staleAfterDays));
  const [transfers, setTransfers] = useState(initial?.transfers ? String(initial.transfers) : '');
  const [checkers, setCheckers] = useState(initial?.checkers ? String(initial.checkers) : '');
  const [verify, setVerify] = useState(initial?.verify ?? false);
  const [checksum, setChecksum] = useState(initial?.checksum ?? false);
  const keep0 = initial?.retention ?? defaultRetention;
  const [keep, setKeep] = useState({ keepLast: countText(keep0.keepLast), keepDaily: countText(keep0.keepDaily), keepWeekly: countText(keep0.keepWeekly), keepMonthly: countText(keep0.keepMonthly) });
  const [remotes, setRemotes] = useState<readonly RemoteInfo[]>([]);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void call('remotes:list', {}).then((r) => r.ok && setRemotes(r.value));
  }, [call]);
  // What the job's last runs cost, per destination: History's requests.
  const [runs, setRuns] = useState<readonly RunSummary[]>([]);
  const { runs: liveRuns } = useUi();
  useEffect(() => {
    if (!initial) return;
    void call('runs:history', { name: initial.name, limit: 20 }).then((r) => r.ok && setRuns(r.value));
  }, [call, initial, liveRuns]);

  const destinations = dests.map((d) => ({ kind: d.kind, target: d.target.trim() })).filter((d) => d.target !== '');
  const restorePoints = destinations.some((d) => d.kind !== 'copy');
  const unused = optionsNotApplying({ bwlimit: bwlimit.trim() || null, transfers: numberOrNull(transfers), checkers: numberOrNull(checkers), checksum, destinations }, 'window');
  const keepField = (k: keyof typeof keep, label: string, unit: string) => (
    <label className="field keep">
      <span>{label}</span>
      <span className="with-unit">
        <input data-testid={`job-${k}`} type="number" min={0} max={10000} value={keep[k]} onChange={(e) => setKeep((x) => ({ ...x, [k]: e.target.value }))} />
        <span className="muted small">{unit}</span>
      </span>
    </label>
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const count = (s: string) => (s.trim() === '' ? undefined : Number(s));
    const input = {
      name,
      sources: sources.map((s) => s.trim()).filter(Boolean),
      destinations,
      excludes: excludes
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      schedule: schedule === null ? null : schedule.trim(),
      bwlimit: bwlimit.trim() || null,
      // Restore points are thinned out the way Time Machine does: recent runs, days, weeks, months.
      retention: restorePoints ? { keepLast: count(keep.keepLast), keepDaily: count(keep.keepDaily), keepWeekly: count(keep.keepWeekly), keepMonthly: count(keep.keepMonthly) } : (initial?.retention ?? null),
      staleAfterDays: numberOrNull(stale),
      transfers: numberOrNull(transfers),
      checkers: numberOrNull(checkers),
      checksum,
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
      <SourceList values={sources} onChange={setSources} />
      <DestinationList rows={dests} onChange={setDests} remotes={remotes} checksum={checksum} runs={runs} fullCheck={initial && initial.destinations.some((d) => d.kind === 'mirror') ? <FullCheck job={initial} /> : null} />
      <ScheduleEditor value={schedule} onChange={setSchedule} />
      <label className="field">
        <span>Leave out (one pattern a line)</span>
        <textarea data-testid="job-excludes" value={excludes} onChange={(e) => setExcludes(e.target.value)} placeholder={'*.tmp\n.DS_Store'} rows={2} />
      </label>
      <details className="advanced">
        <summary>More options</summary>
        {restorePoints && (
          <fieldset className="field">
            <legend>Restore points to keep</legend>
            <div className="grid-4">
              {keepField('keepLast', 'Keep the newest', 'runs')}
              {keepField('keepDaily', 'One a day for', 'days')}
              {keepField('keepWeekly', 'One a week for', 'weeks')}
              {keepField('keepMonthly', 'One a month for', 'months')}
            </div>
            <p className="help">Older snapshots and mirror versions are removed; the newest good one never is.</p>
          </fieldset>
        )}
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
          <input type="checkbox" data-testid="job-checksum" checked={checksum} onChange={(e) => setChecksum(e.target.checked)} />
          <span>Compare by checksum instead of size and time (reads every file; catches edits that kept both)</span>
        </label>
        {unused && (
          <p className="help note" data-testid="options-note">
            <Icon name="warn" size={13} /> {unused}
          </p>
        )}
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
                  {job.sources.join(', ')} → {job.destinations.map((d) => `${d.target} (${destinationKinds.find((k) => k.kind === d.kind)!.label.toLowerCase()})`).join(', ')}
                </div>
              </div>
              <span className="muted small" title={job.schedule ?? undefined}>
                {job.schedule ? describeCron(job.schedule, runtimeLocale()) : 'Only when you click Back up now'}
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

// The "add a remote" wizard: pick a provider (popular first, every provider of the installed
// rclone), fill the generated form, sign in with the browser for OAuth providers.
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import type { AuthorizeUpdate } from '../../../shared/remotes/types';
import { buildFormState, type WizardEntry, type WizardModel } from './wizard-state';
import { formFor, optionsToSave, validateForm } from '../../../shared/remotes/wizard-model';
import { remoteNameProblem } from '../../../shared/remotes/names';
import type { AppError } from '../../../shared/result';
import { useUi } from '../store';
import { FieldInput } from './field-input';
import { useRemotes } from './remotes-store';
import { ErrorBox } from '../components/error-box';

function ProviderPicker({ model, onPick }: { model: WizardModel; onPick: (e: WizardEntry) => void }) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const matches = model.entries.filter((e) => !q || e.label.toLowerCase().includes(q) || e.type.includes(q) || e.description.toLowerCase().includes(q));
  const popular = matches.filter((e) => e.popular);
  const rest = matches.filter((e) => !e.popular && !e.advanced);
  const advanced = matches.filter((e) => e.advanced);
  const item = (e: WizardEntry) => (
    <li key={e.id}>
      <button type="button" className="provider" data-testid={`provider-${e.id}`} onClick={() => onPick(e)}>
        <strong>{e.label}</strong>
        <span className="muted small">{e.preset.provider ? 'S3-compatible object storage' : e.label.toLowerCase() === e.description.toLowerCase() ? `type “${e.type}”` : e.description}</span>
        {e.oauth && <span className="badge">Browser sign-in</span>}
      </button>
    </li>
  );
  return (
    <div className="stack">
      <input type="search" aria-label="Search providers" data-testid="provider-search" placeholder={`Search ${model.entries.length} storage providers`} value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
      {popular.length > 0 && (
        <section>
          <h3 className="section-title">Popular</h3>
          <ul className="provider-grid">{popular.map(item)}</ul>
        </section>
      )}
      {rest.length > 0 && (
        <section>
          <h3 className="section-title">All providers</h3>
          <ul className="provider-grid">{rest.map(item)}</ul>
        </section>
      )}
      {advanced.length > 0 && (
        // Opened by itself when a search finds only these.
        <details className="advanced" open={Boolean(q) && popular.length + rest.length === 0} data-testid="providers-advanced">
          <summary>Advanced: wrappers and special remotes ({advanced.length})</summary>
          <p className="help">These hold no backup on their own: they encrypt, split, merge or rename other remotes, or keep nothing. For an encrypted backup, use “Encrypt a remote…” on the Remotes page.</p>
          <ul className="provider-grid">{advanced.map(item)}</ul>
        </details>
      )}
      {matches.length === 0 && <p className="muted">No provider matches “{query}”.</p>}
    </div>
  );
}

function AuthorizePanel({ update, onCancel }: { update: AuthorizeUpdate | undefined; onCancel: () => void }) {
  return (
    <div className="card stack" role="status" data-testid="authorize-panel">
      <h3>Sign in with your browser</h3>
      {!update?.link ? (
        <p className="muted">Starting the sign-in…</p>
      ) : (
        <>
          <p>
            A sign-in page is waiting. If it did not open by itself,{' '}
            <a href={update.link} target="_blank" rel="noreferrer" data-testid="authorize-link">
              open the sign-in page
            </a>
            . Reprise saves the remote as soon as you allow access.
          </p>
          <p className="help">The sign-in must happen in a browser on this computer.</p>
        </>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel sign-in
        </button>
      </div>
    </div>
  );
}

/** The wizard; closes itself after a remote was saved. */
export function AddRemote({ onDone }: { onDone: (saved: string | null) => void }) {
  const { call } = useUi();
  const { authorize } = useRemotes();
  const [model, setModel] = useState<WizardModel | null>(null);
  const [entry, setEntry] = useState<WizardEntry | null>(null);
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sessionId, setSessionId] = useState<string | null>(null);

  useEffect(() => {
    void call('remotes:providers', {}).then((r) => (r.ok ? setModel(r.value) : setError(r.error)));
  }, [call]);

  const form = useMemo(() => (model && entry ? formFor(model, entry.id, values) : null), [model, entry, values]);
  const session = sessionId ? authorize[sessionId] : undefined;

  useEffect(() => {
    if (!session) return;
    if (session.state === 'waiting' && session.link) window.open(session.link, '_blank', 'noopener');
    if (session.state === 'done') onDone(session.name);
    if (session.state === 'failed' || session.state === 'cancelled') {
      setSessionId(null);
      setError({ kind: session.state === 'cancelled' ? 'cancelled' : 'unauthorized', message: session.message ?? 'Sign-in did not finish.' });
    }
    // window.open only once per link: the state changes once from starting to waiting.
  }, [session?.state, session?.link]);

  const pick = (e: WizardEntry) => {
    setEntry(e);
    setValues({});
    setProblems({});
    setError(null);
    if (!name) setName(buildFormState(e));
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!form || !entry) return;
    const nameProblem = remoteNameProblem(name);
    const found = validateForm(form, values);
    if (nameProblem) found.__name = nameProblem;
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    setError(null);
    const r = await call('remotes:add', { name, type: entry.type, options: optionsToSave(form, values) });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    if (r.value.status === 'done') onDone(r.value.remote.name);
    else setSessionId(r.value.sessionId);
  };

  if (!model) {
    return <div className="card">{error ? <ErrorBox error={error} /> : <p className="muted">Reading the providers of your rclone…</p>}</div>;
  }
  if (!entry || !form) {
    return (
      <div className="card form" aria-label="Choose a provider">
        <div className="card-head">
          <h2>Add a remote — where should backups go?</h2>
          <button type="button" className="button ghost" onClick={() => onDone(null)}>
            Cancel
          </button>
        </div>
        <ProviderPicker model={model} onPick={pick} />
      </div>
    );
  }
  const set = (k: string) => (v: string) => setValues((s) => ({ ...s, [k]: v }));
  return (
    <form className="card form" onSubmit={submit} aria-label={`New ${entry.label} remote`}>
      <div className="card-head">
        <h2>{entry.label}</h2>
        <button type="button" className="button ghost small" onClick={() => setEntry(null)} disabled={Boolean(sessionId)}>
          Change provider
        </button>
      </div>
      <div className="field">
        <label htmlFor="remote-name">Name</label>
        <input id="remote-name" data-testid="remote-name" value={name} onChange={(e) => setName(e.target.value)} />
        <div className="help">How the remote is called in Reprise and rclone, e.g. “{name || 'music-b2'}:folder”.</div>
        {problems.__name && <div className="error-text">{problems.__name}</div>}
      </div>
      {form.required.map((f) => (
        <FieldInput key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} problem={problems[f.name]} />
      ))}
      {form.optional.map((f) => (
        <FieldInput key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} problem={problems[f.name]} />
      ))}
      {form.advanced.length > 0 && (
        <details className="advanced">
          <summary>Advanced options ({form.advanced.length})</summary>
          {form.advanced.map((f) => (
            <FieldInput key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} problem={problems[f.name]} />
          ))}
        </details>
      )}
      {entry.oauth && !sessionId && <p className="help">After you click Save, your browser asks you to sign in to {entry.label} and allow Reprise (through rclone) to access your files.</p>}
      {sessionId && <AuthorizePanel update={session} onCancel={() => void call('ops:cancel', { id: sessionId })} />}
      {error && <ErrorBox error={error} testId="remote-error" />}
      <div className="actions">
        <button type="button" className="button" onClick={() => onDone(null)} disabled={Boolean(sessionId)}>
          Cancel
        </button>
        <button type="submit" className="button primary" data-testid="remote-save" disabled={busy || Boolean(sessionId)}>
          {busy ? 'Saving…' : 'Save remote'}
        </button>
      </div>
    </form>
  );
}

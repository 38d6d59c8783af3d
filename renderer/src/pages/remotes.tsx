// Remotes: the user's rclone remotes (type, crypt), test / edit / delete, the setup wizard and
// the crypt wizard; asks for the password of an encrypted rclone config.
import '../remotes/remotes.css';
import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import type { ConnectionTest, RcloneConfigState, RemoteDetail, RemoteSummary } from '../../../shared/remotes/types';
import { formFor, type WizardModel } from '../../../shared/remotes/wizard-model';
import { SECRET_MASK } from '../../../shared/remotes/mask';
import type { AppError } from '../../../shared/result';
import { Icon } from '../components/icons';
import { useUi } from '../store';
import { AddRemote } from '../remotes/add-remote';
import { CryptWizard } from '../remotes/crypt-wizard';
import { FieldInput } from '../remotes/field-input';
import { useRemotes } from '../remotes/remotes-store';
import { ErrorBox } from '../components/error-box';

function Unlock({ state, onUnlocked }: { state: RcloneConfigState; onUnlocked: () => void }) {
  const { call } = useUi();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<AppError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await call('remotes:unlock', { password });
    setPassword('');
    if (r.ok) onUnlocked();
    else setError(r.error);
  };
  return (
    <form className="card form" onSubmit={submit} aria-label="Unlock rclone config">
      <h2>Your rclone config is encrypted</h2>
      <p className="help">Enter its password to see and use your remotes. Reprise keeps it in memory only, until it quits. ({state.path})</p>
      <label className="field">
        <span>Config password</span>
        <input type="password" data-testid="config-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
      </label>
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="submit" className="button primary" disabled={!password}>
          Unlock
        </button>
      </div>
    </form>
  );
}

function ConfigChooser({ state, onChanged }: { state: RcloneConfigState; onChanged: () => void }) {
  const { call } = useUi();
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState(state.source === 'settings' ? state.path : '');
  const [error, setError] = useState<AppError | null>(null);
  const use = async (value: string | null) => {
    const r = await call('remotes:use-config', { path: value });
    if (!r.ok) return setError(r.error);
    setOpen(false);
    setError(null);
    onChanged();
  };
  const label = state.source === 'default' ? "rclone's own" : state.source === 'settings' ? 'chosen in Reprise' : 'set by --rclone-config / RCLONE_CONFIG';
  return (
    <div className="config-chooser small">
      <span className="muted" data-testid="config-path">
        rclone config: {state.path} ({label})
      </span>
      {state.source !== 'override' && !open && (
        <button className="link small" onClick={() => setOpen(true)}>
          Change…
        </button>
      )}
      {open && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void use(path.trim() || null);
          }}
        >
          <input className="grow" aria-label="rclone config file" data-testid="config-choice" value={path} placeholder="/home/me/.config/rclone/rclone.conf" onChange={(e) => setPath(e.target.value)} />
          <button className="button small primary" type="submit" disabled={!path.trim()}>
            Use this file
          </button>
          <button className="button small" type="button" onClick={() => void use(null)}>
            Use rclone's default
          </button>
        </form>
      )}
      {error && <div className="error-text">{error.message}</div>}
    </div>
  );
}

function EditRemote({ name, onDone }: { name: string; onDone: () => void }) {
  const { call } = useUi();
  const [detail, setDetail] = useState<RemoteDetail | null>(null);
  const [model, setModel] = useState<WizardModel | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<AppError | null>(null);
  useEffect(() => {
    void call('remotes:get', { name }).then((r) => (r.ok ? (setDetail(r.value), setValues({ ...r.value.options })) : setError(r.error)));
    void call('remotes:providers', {}).then((r) => r.ok && setModel(r.value));
  }, [call, name]);
  const form = useMemo(() => {
    if (!detail || !model) return null;
    const id = model.entries.some((e) => e.id === detail.type) ? detail.type : null;
    return id ? formFor(model, id, values) : null;
  }, [detail, model, values]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!detail) return;
    const changed = Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (detail.options[k] ?? '') && !(v === '' && detail.options[k] === undefined)));
    const r = await call('remotes:update', { name, options: changed });
    if (r.ok) onDone();
    else setError(r.error);
  };
  if (!detail || !form) return <div className="card">{error ? <ErrorBox error={error} /> : <p className="muted">Loading…</p>}</div>;
  const set = (k: string) => (v: string) => setValues((s) => ({ ...s, [k]: v }));
  const shown = [...form.required, ...form.optional];
  return (
    <form className="card form" onSubmit={submit} aria-label={`Edit ${name}`}>
      <h2>Edit {name}</h2>
      <p className="help">Secret fields show {SECRET_MASK}: leave them as they are to keep the saved value.</p>
      {shown.map((f) => (
        <FieldInput key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} />
      ))}
      <details className="advanced">
        <summary>Advanced options ({form.advanced.length})</summary>
        {form.advanced.map((f) => (
          <FieldInput key={f.name} field={f} value={values[f.name] ?? ''} onChange={set(f.name)} />
        ))}
      </details>
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary">
          Save changes
        </button>
      </div>
    </form>
  );
}

function TestResult({ result }: { result: ConnectionTest | 'running' | undefined }) {
  if (!result) return null;
  if (result === 'running') return <span className="muted small">Testing…</span>;
  if (result.ok) {
    return (
      <span className="tone-ok small" data-testid="test-ok">
        <Icon name="check" size={13} /> Connected{result.entries === 0 ? ' · empty — ready for the first backup' : ''}
      </span>
    );
  }
  return (
    <details className="tone-bad small" data-testid="test-failed">
      <summary>{result.reason}</summary>
      {result.details && <pre>{result.details}</pre>}
    </details>
  );
}

/** The Remotes page. */
export function Remotes() {
  const { call, go } = useUi();
  const { remotes, setRemotes } = useRemotes();
  const [config, setConfig] = useState<RcloneConfigState | null>(null);
  const [mode, setMode] = useState<{ kind: 'list' } | { kind: 'add' } | { kind: 'crypt' } | { kind: 'edit'; name: string }>({ kind: 'list' });
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'running'>>({});
  const [error, setError] = useState<AppError | null>(null);
  const [confirm, setConfirm] = useState<{ name: string; message: string } | null>(null);

  const load = useCallback(async () => {
    const c = await call('remotes:config', {});
    if (c.ok) setConfig(c.value);
    if (c.ok && c.value.locked) return;
    const r = await call('remotes:list', {});
    if (r.ok) setRemotes(r.value);
    else setError(r.error);
  }, [call, setRemotes]);
  useEffect(() => {
    void load();
  }, [load]);

  const test = async (name: string) => {
    setTests((t) => ({ ...t, [name]: 'running' }));
    const r = await call('remotes:test', { name, timeoutMs: 20_000 });
    setTests((t) => ({ ...t, [name]: r.ok ? r.value : { ok: false, kind: r.error.kind, reason: r.error.message } }));
  };
  const remove = async (name: string, force: boolean) => {
    const r = await call('remotes:remove', { name, force });
    if (r.ok) {
      setConfirm(null);
      return load();
    }
    if (r.error.kind === 'conflict') setConfirm({ name, message: r.error.message });
    else setError(r.error);
  };
  const finished = (saved: string | null) => {
    setMode({ kind: 'list' });
    void load().then(() => {
      if (saved) void test(saved);
    });
  };

  if (config?.locked) return <Unlock state={config} onUnlocked={() => void load()} />;
  if (mode.kind === 'add') return <AddRemote onDone={finished} />;
  if (mode.kind === 'crypt') return <CryptWizard remotes={remotes ?? []} onDone={finished} />;
  if (mode.kind === 'edit') return <EditRemote name={mode.name} onDone={() => finished(mode.name)} />;

  return (
    <div className="stack">
      <div className="toolbar remotes-toolbar">
        <button className="button primary" data-testid="add-remote" onClick={() => setMode({ kind: 'add' })}>
          <Icon name="plus" size={14} /> Add remote
        </button>
        <button className="button" data-testid="add-crypt" onClick={() => setMode({ kind: 'crypt' })} disabled={!remotes?.length}>
          Encrypt a remote…
        </button>
        {config && <ConfigChooser state={config} onChanged={() => void load()} />}
      </div>
      {error && <ErrorBox error={error} />}
      {confirm && (
        <div className="warn-box" role="alertdialog" aria-label="Confirm delete">
          <p>{confirm.message}</p>
          <div className="actions">
            <button className="button" onClick={() => setConfirm(null)}>
              Keep it
            </button>
            <button className="button danger" data-testid="confirm-delete" onClick={() => void remove(confirm.name, true)}>
              Delete anyway
            </button>
          </div>
        </div>
      )}
      {remotes && remotes.length === 0 && (
        <div className="empty">
          <h2>No remotes yet</h2>
          <p>Add where your backups should go: a cloud bucket (S3, B2, Wasabi …), Google Drive, Dropbox, an SFTP or WebDAV server, or a NAS.</p>
        </div>
      )}
      {remotes && remotes.length > 0 && (
        <ul className="list card" aria-label="Remotes" style={{ padding: 0 }}>
        {(remotes ?? []).map((r: RemoteSummary) => (
          <li key={r.name} className="list-row remote-row" data-testid={`remote-${r.name}`}>
            <div className="grow">
              <strong>{r.name}</strong> <span className="chip">{r.provider ? `${r.type} · ${r.provider}` : r.type}</span>
              {r.isCrypt && <span className="badge">Encrypted</span>}
              {r.wraps && <div className="muted small">wraps {r.wraps}</div>}
              <div>
                <TestResult result={tests[r.name]} />
              </div>
            </div>
            <button className="button small" onClick={() => void test(r.name)}>
              Test
            </button>
            <button className="button small" onClick={() => {
                useRemotes.setState({ browseTarget: { remote: r.name, path: '' } });
                go('browser');
              }}>
              Browse
            </button>
            <button className="button small" onClick={() => setMode({ kind: 'edit', name: r.name })}>
              Edit
            </button>
            <button className="button ghost small" aria-label={`Delete ${r.name}`} onClick={() => void remove(r.name, false)}>
              <Icon name="trash" size={14} />
            </button>
          </li>
        ))}
      </ul>
      )}
    </div>
  );
}

// The crypt wizard: wrap a remote and folder in encryption, with generated or chosen passwords,
// and a plain warning that losing them loses the backup.
import { type FormEvent, useState } from 'react';
import { CRYPT_WARNING, generatePassword, passwordWeakness } from '../../../shared/remotes/passwords';
import { remoteNameProblem } from '../../../shared/remotes/names';
import type { RemoteSummary } from '../../../shared/remotes/types';
import type { AppError } from '../../../shared/result';
import { useUi } from '../store';
import { ErrorBox } from '../components/error-box';

/** Creates a crypt remote; calls onDone with its name (or null when cancelled). */
export function CryptWizard({ remotes, onDone }: { remotes: readonly RemoteSummary[]; onDone: (saved: string | null) => void }) {
  const { call } = useUi();
  const candidates = remotes.filter((r) => !r.isCrypt);
  const [base, setBase] = useState(candidates[0]?.name ?? '');
  const [folder, setFolder] = useState('backup');
  const [name, setName] = useState(candidates[0] ? `${candidates[0].name}-crypt` : 'crypt');
  const [mode, setMode] = useState<'generate' | 'own'>('generate');
  const [generated] = useState(() => ({ password: generatePassword(), salt: generatePassword() }));
  const [own, setOwn] = useState({ password: '', salt: '' });
  const [saved, setSaved] = useState(false);
  const [encryptNames, setEncryptNames] = useState(true);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const pw = mode === 'generate' ? generated : own;
  const problem = remoteNameProblem(name) ?? (!base ? 'Add a remote first: crypt wraps an existing one.' : undefined) ?? (mode === 'own' ? passwordWeakness(own.password) ?? passwordWeakness(own.salt) : undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problem || !saved) return;
    setBusy(true);
    const r = await call('remotes:crypt', { name, target: `${base}:${folder.replace(/^\/+/, '')}`, password: pw.password, salt: pw.salt, encryptNames });
    setBusy(false);
    if (r.ok) onDone(r.value.name);
    else setError(r.error);
  };

  return (
    <form className="card form" onSubmit={submit} aria-label="New encrypted remote">
      <h2>Encrypt a remote</h2>
      <p className="help">Files are encrypted on this computer before they leave it. The storage provider only ever sees scrambled names and contents.</p>
      <div className="row">
        <label className="field grow">
          <span>Remote to encrypt</span>
          <select data-testid="crypt-base" value={base} onChange={(e) => setBase(e.target.value)}>
            {candidates.map((r) => (
              <option key={r.name} value={r.name}>
                {r.name} ({r.type})
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Folder on it</span>
          <input data-testid="crypt-folder" value={folder} onChange={(e) => setFolder(e.target.value)} />
        </label>
      </div>
      <label className="field">
        <span>Name of the encrypted remote</span>
        <input data-testid="crypt-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset className="field">
        <legend>Passwords</legend>
        <label className="check">
          <input type="radio" checked={mode === 'generate'} onChange={() => setMode('generate')} /> Generate strong passwords for me
        </label>
        <label className="check">
          <input type="radio" checked={mode === 'own'} onChange={() => setMode('own')} /> Use my own
        </label>
      </fieldset>
      {mode === 'generate' ? (
        <div className="secret-box" data-testid="crypt-generated">
          <div>
            <span className="muted small">Password</span>
            <code>{generated.password}</code>
          </div>
          <div>
            <span className="muted small">Salt (second password)</span>
            <code>{generated.salt}</code>
          </div>
          <button type="button" className="button small" onClick={() => void navigator.clipboard?.writeText(`Reprise crypt remote "${name}"\npassword: ${generated.password}\nsalt: ${generated.salt}\n`)}>
            Copy both
          </button>
        </div>
      ) : (
        <div className="row">
          <label className="field grow">
            <span>Password</span>
            <input type="password" autoComplete="new-password" value={own.password} onChange={(e) => setOwn((o) => ({ ...o, password: e.target.value }))} />
          </label>
          <label className="field grow">
            <span>Salt (second password)</span>
            <input type="password" autoComplete="new-password" value={own.salt} onChange={(e) => setOwn((o) => ({ ...o, salt: e.target.value }))} />
          </label>
        </div>
      )}
      <details className="advanced">
        <summary>More options</summary>
        <label className="check">
          <input type="checkbox" checked={encryptNames} onChange={(e) => setEncryptNames(e.target.checked)} /> Encrypt file and folder names too
        </label>
      </details>
      <div className="warn-box" role="note" data-testid="crypt-warning">
        <strong>Keep these passwords safe.</strong> {CRYPT_WARNING}
      </div>
      <label className="check">
        <input type="checkbox" data-testid="crypt-saved" checked={saved} onChange={(e) => setSaved(e.target.checked)} /> I have saved both passwords somewhere safe
      </label>
      {problem && <div className="error-text">{problem}</div>}
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" className="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="submit" className="button primary" data-testid="crypt-save" disabled={busy || Boolean(problem) || !saved}>
          {busy ? 'Saving…' : 'Create encrypted remote'}
        </button>
      </div>
    </form>
  );
}

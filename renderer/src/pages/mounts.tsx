// Mounts: toggle `rclone mount` of any remote:path (read-only by default), see each mount's
// state and reason, choose which come back at start; a clear message where FUSE is missing.
import '../remotes/remotes.css';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { MountsOverview, MountView, VfsCacheMode } from '../../../shared/remotes/types';
import type { AppError } from '../../../shared/result';
import { Icon } from '../components/icons';
import { useUi } from '../store';
import { useRemotes } from '../remotes/remotes-store';
import { ErrorBox } from '../components/error-box';

function StateLine({ mount }: { mount: MountView }) {
  switch (mount.state.kind) {
    case 'mounted':
      return <span className="tone-ok small">Mounted · {mount.readOnly ? 'read-only' : 'read-write'}</span>;
    case 'unmounted':
      return <span className="muted small">Not mounted</span>;
    case 'error':
      return (
        <span className="tone-bad small" role="alert">
          {mount.state.reason}
          {mount.state.howToFix && <div className="muted">{mount.state.howToFix}</div>}
        </span>
      );
  }
}

function NewMount({ overview, onDone }: { overview: MountsOverview; onDone: () => void }) {
  const { call } = useUi();
  const { remotes } = useRemotes();
  const [remote, setRemote] = useState(remotes?.[0]?.name ?? '');
  const [path, setPath] = useState('');
  const [point, setPoint] = useState('');
  const [readOnly, setReadOnly] = useState(true);
  const [cacheMode, setCacheMode] = useState<VfsCacheMode>('off');
  const [persist, setPersist] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState(false);
  const fs = `${remote}:${path.replace(/^\/+/, '')}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const r = await call('mounts:mount', { fs, ...(point.trim() ? { mountPoint: point.trim() } : {}), readOnly, cacheMode, persist });
    setBusy(false);
    if (r.ok) onDone();
    else setError(r.error);
  };
  return (
    <form className="card form" onSubmit={submit} aria-label="New mount">
      <h2>Mount a remote as a folder</h2>
      <div className="row">
        <label className="field grow">
          <span>Remote</span>
          <select data-testid="mount-remote" value={remote} onChange={(e) => setRemote(e.target.value)}>
            {(remotes ?? []).map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          <span>Folder on it (optional)</span>
          <input data-testid="mount-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="Music" />
        </label>
      </div>
      <label className="field">
        <span>Mount at</span>
        <input data-testid="mount-point" value={point} onChange={(e) => setPoint(e.target.value)} placeholder={`${overview.defaultRoot}/${fs.replace(/[:/]+/g, ' ').trim()}`} />
      </label>
      <label className="check">
        <input type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} /> Read-only (recommended for backups)
      </label>
      <label className="check">
        <input type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} /> Mount again when Reprise starts
      </label>
      <details className="advanced">
        <summary>More options</summary>
        <label className="field">
          <span>File cache</span>
          <select value={cacheMode} onChange={(e) => setCacheMode(e.target.value as VfsCacheMode)}>
            <option value="off">Off — stream directly (least disk use)</option>
            <option value="minimal">Minimal</option>
            <option value="writes">Writes — needed by some apps that edit files</option>
            <option value="full">Full — cache everything read (fastest re-reads)</option>
          </select>
        </label>
      </details>
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button primary" data-testid="mount-create" disabled={busy || !remote}>
          {busy ? 'Mounting…' : 'Mount'}
        </button>
      </div>
    </form>
  );
}

/** The Mounts page. */
export function Mounts() {
  const { call, info, go } = useUi();
  const { mounts, setMounts, remotes, setRemotes } = useRemotes();
  const [overview, setOverview] = useState<MountsOverview | null>(null);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<AppError | null>(null);

  const load = useCallback(async () => {
    const r = await call('mounts:list', {});
    if (r.ok) {
      setOverview(r.value);
      setMounts(r.value.mounts);
    } else setError(r.error);
  }, [call, setMounts]);
  useEffect(() => {
    void load();
    if (!remotes) void call('remotes:list', {}).then((r) => r.ok && setRemotes(r.value));
  }, [load]);

  const toggle = async (m: MountView) => {
    setBusy((b) => ({ ...b, [m.mountPoint]: true }));
    const r =
      m.state.kind === 'mounted'
        ? await call('mounts:unmount', { mountPoint: m.mountPoint })
        : await call('mounts:mount', { fs: m.fs, mountPoint: m.mountPoint, readOnly: m.readOnly, cacheMode: m.cacheMode, persist: m.persist });
    setBusy((b) => ({ ...b, [m.mountPoint]: false }));
    if (!r.ok) setError(r.error);
    await load();
  };
  const persist = async (m: MountView, value: boolean) => {
    const r = await call('mounts:persist', { mountPoint: m.mountPoint, persist: value });
    if (!r.ok) setError(r.error);
    await load();
  };
  // The desktop app opens the folder in the file manager; a browser cannot, so it browses the remote.
  const openFolder = async (m: MountView) => {
    if (info?.host === 'electron') {
      const r = await call('app:open-folder', { path: m.mountPoint });
      if (!r.ok) setError(r.error);
      return;
    }
    const i = m.fs.indexOf(':');
    useRemotes.setState({ browseTarget: { remote: m.fs.slice(0, i), path: m.fs.slice(i + 1).replace(/^\/+/, '') } });
    go('browser');
  };
  const remove = async (m: MountView) => {
    const r = await call('mounts:remove', { mountPoint: m.mountPoint });
    if (!r.ok) setError(r.error);
    await load();
  };

  if (!overview) return <p className="muted">{error ? error.message : 'Loading…'}</p>;
  if (adding) return <NewMount overview={overview} onDone={() => (setAdding(false), void load())} />;
  const list = mounts ?? overview.mounts;
  return (
    <div className="stack">
      {!overview.fuse.ok && (
        <div className="warn-box" role="alert" data-testid="fuse-missing">
          <strong>{overview.fuse.reason}</strong>
          <div>{overview.fuse.howToInstall}</div>
        </div>
      )}
      <div className="toolbar remotes-toolbar">
        <button className="button primary" data-testid="add-mount" onClick={() => setAdding(true)} disabled={!overview.fuse.ok || !remotes?.length}>
          <Icon name="plus" size={14} /> New mount
        </button>
        <span className="muted small">Mounted remotes appear as folders; Reprise unmounts them all when it quits.</span>
      </div>
      {error && <ErrorBox error={error} />}
      {list.length === 0 && (
        <div className="empty">
          <h2>No mounts</h2>
          <p>Mount a remote to open your backup in any app, like a USB disk.</p>
        </div>
      )}
      {list.length > 0 && (
        <ul className="list card" aria-label="Mounts" style={{ padding: 0 }}>
        {list.map((m) => (
          // Name and place first, then what one does with it, the switch last: a settings row.
          <li key={m.mountPoint} className="list-row mount-row" data-testid="mount-row">
            <div className="grow">
              <strong>{m.fs}</strong>
              <div className="muted small mono">{m.mountPoint}</div>
              <StateLine mount={m} />
            </div>
            {m.state.kind === 'mounted' ? (
              <button className="button small" data-testid="mount-open" onClick={() => void openFolder(m)}>
                <Icon name="folder" size={13} /> {info?.host === 'electron' ? 'Open folder' : 'Browse'}
              </button>
            ) : (
              <span />
            )}
            <label className="check small" title="Mount again when Reprise starts">
              <input type="checkbox" checked={m.persist} onChange={(e) => void persist(m, e.target.checked)} /> At start
            </label>
            <label className="switch" title={m.state.kind === 'mounted' ? 'Unmount' : 'Mount'}>
              <input type="checkbox" role="switch" aria-label={`Mount ${m.fs}`} data-testid="mount-toggle" checked={m.state.kind === 'mounted'} disabled={busy[m.mountPoint] || !overview.fuse.ok} onChange={() => void toggle(m)} />
              <span aria-hidden="true" />
            </label>
            <button className="button ghost small" aria-label={`Forget ${m.fs}`} onClick={() => void remove(m)}>
              <Icon name="trash" size={14} />
            </button>
          </li>
        ))}
      </ul>
      )}
    </div>
  );
}

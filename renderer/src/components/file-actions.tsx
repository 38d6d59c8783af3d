// The Browser's file operations: new folder, rename, copy or move to another remote or folder, and
// delete. Each is previewed first (rclone's dry run lists exactly what would happen; a delete names
// what goes and how much), then done with progress and a Cancel; a destination Reprise manages is
// refused until the user says to go ahead anyway. Every operation lands in the audit log.
import { useState } from 'react';
import type { FileOpResult } from '../../../shared/files';
import { formatBytes, plural } from '../../../shared/format';
import type { AppError } from '../../../shared/result';
import type { RemoteSummary } from '../../../shared/remotes/types';
import { useUi } from '../store';
import { ErrorBox } from './error-box';

type Action = { kind: 'upload' } | { kind: 'mkdir' } | { kind: 'rename' } | { kind: 'copy' } | { kind: 'move' } | { kind: 'delete' };

interface Props {
  readonly remote: string;
  /** The folder on screen. */
  readonly path: string;
  readonly selected: { readonly name: string; readonly isDir: boolean } | null;
  readonly remotes: readonly RemoteSummary[];
  /** The listing changed: read it again. */
  readonly onDone: () => void;
}

const at = (remote: string, path: string) => `${remote}:${path}`;
const join = (path: string, name: string) => (path ? `${path}/${name}` : name);

/** The buttons and the one open operation panel. */
export function FileActions({ remote, path, selected, remotes, onDone }: Props) {
  const { call, fileProgress } = useUi();
  const [action, setAction] = useState<Action | null>(null);
  const [name, setName] = useState('');
  const [toRemote, setToRemote] = useState(remote);
  const [toPath, setToPath] = useState(path);
  const [preview, setPreview] = useState<FileOpResult | null>(null);
  const [size, setSize] = useState<{ count: number; bytes: number } | null>(null);
  const [result, setResult] = useState<FileOpResult | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [force, setForce] = useState(false);

  const from = selected ? at(remote, join(path, selected.name)) : null;
  const start = (a: Action) => {
    setAction(a);
    setPreview(null);
    setResult(null);
    setError(null);
    setForce(false);
    setSize(null);
    setName(a.kind === 'rename' && selected ? selected.name : '');
    setToRemote(remote);
    setToPath(path);
    if (a.kind === 'delete' && from) void call('files:size', { target: from }).then((r) => r.ok && setSize(r.value));
  };
  const close = () => setAction(null);

  // The request of the open action; dryRun decides preview or real.
  const run = async (dryRun: boolean) => {
    if (!action) return;
    const id = crypto.randomUUID();
    setBusy(dryRun ? null : id);
    setError(null);
    const common = { dryRun, force, id };
    const local = name.trim().replace(/\/+$/, '');
    const r =
      action.kind === 'upload'
        ? await call('files:transfer', { op: 'copy', from: local, to: at(remote, join(path, local.split('/').pop() ?? '')), checksum: false, excludes: [], ...common })
        : action.kind === 'mkdir'
        ? await call('files:mkdir', { target: at(remote, join(path, name.trim())), dryRun, force })
        : action.kind === 'delete'
          ? await call('files:delete', { target: from!, ...common })
          : action.kind === 'rename'
            ? await call('files:transfer', { op: 'move', from: from!, to: at(remote, join(path, name.trim())), checksum: false, excludes: [], ...common })
            : await call('files:transfer', { op: action.kind, from: from!, to: at(toRemote, join(toPath, selected!.name)), checksum: false, excludes: [], ...common });
    setBusy(null);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    if (dryRun) setPreview(r.value);
    else {
      setResult(r.value);
      setPreview(null);
      onDone();
      if (r.value.outcome === 'ok') setAction(null);
    }
  };

  const title = !action ? '' : action.kind === 'upload' ? `Upload into ${at(remote, path)}` : action.kind === 'mkdir' ? 'New folder' : action.kind === 'rename' ? `Rename “${selected?.name}”` : action.kind === 'delete' ? `Delete “${selected?.name}”` : `${action.kind === 'copy' ? 'Copy' : 'Move'} “${selected?.name}” to`;
  const ready = action?.kind === 'upload' ? name.trim().startsWith('/') && name.trim() !== '/' : action?.kind === 'mkdir' || action?.kind === 'rename' ? name.trim() !== '' && !name.includes('/') : action?.kind === 'copy' || action?.kind === 'move' ? toRemote !== '' : true;
  const refused = error?.kind === 'conflict' && /Reprise manages/.test(error.message);
  const progress = busy && fileProgress?.id === busy ? fileProgress : null;

  return (
    <div className="stack">
      <div className="row file-actions" aria-label="File operations">
        <button className="button small" data-testid="files-upload" onClick={() => start({ kind: 'upload' })}>
          Upload…
        </button>
        <button className="button small" data-testid="files-mkdir" onClick={() => start({ kind: 'mkdir' })}>
          New folder
        </button>
        <button className="button small" data-testid="files-rename" disabled={!selected} onClick={() => start({ kind: 'rename' })}>
          Rename
        </button>
        <button className="button small" data-testid="files-copy" disabled={!selected} onClick={() => start({ kind: 'copy' })}>
          Copy to…
        </button>
        <button className="button small" data-testid="files-move" disabled={!selected} onClick={() => start({ kind: 'move' })}>
          Move to…
        </button>
        <button className="button small danger" data-testid="files-delete" disabled={!selected} onClick={() => start({ kind: 'delete' })}>
          Delete
        </button>
      </div>
      {action && (
        <div className="card stack" role="dialog" aria-label={title} data-testid="files-panel">
          <strong>{title}</strong>
          {action.kind === 'upload' && (
            <input data-testid="files-local" aria-label="File or folder on this computer" value={name} placeholder="/home/me/Music/Album (a file or folder on the computer Reprise runs on)" onChange={(e) => setName(e.target.value)} autoFocus />
          )}
          {(action.kind === 'mkdir' || action.kind === 'rename') && (
            <input data-testid="files-name" aria-label="Name" value={name} placeholder="Name" onChange={(e) => setName(e.target.value)} autoFocus />
          )}
          {(action.kind === 'copy' || action.kind === 'move') && (
            <div className="row">
              <select data-testid="files-to-remote" aria-label="To remote" value={toRemote} onChange={(e) => setToRemote(e.target.value)}>
                {remotes.map((r) => (
                  <option key={r.name} value={r.name}>
                    {r.name}
                  </option>
                ))}
              </select>
              <input className="grow" data-testid="files-to-path" aria-label="To folder" value={toPath} placeholder="folder on that remote (empty: its top)" onChange={(e) => setToPath(e.target.value)} />
            </div>
          )}
          {action.kind === 'delete' && (
            <p data-testid="files-delete-what">
              {selected?.isDir ? 'The folder and everything in it' : 'The file'} <code>{from}</code> will be deleted
              {size ? `: ${plural(size.count, 'file')}, ${formatBytes(size.bytes)}` : ''}. Where the remote keeps a trash, it goes there; elsewhere it is gone.
            </p>
          )}
          {error && <ErrorBox error={error} />}
          {refused && (
            <label className="row small">
              <input type="checkbox" data-testid="files-force" checked={force} onChange={(e) => setForce(e.target.checked)} /> I understand: change it anyway
            </label>
          )}
          {preview && (
            <div data-testid="files-preview">
              <div className="muted small">
                Preview: {action.kind === 'mkdir' ? `makes ${preview.destination}` : `${plural(preview.files, 'file')}, ${formatBytes(preview.bytes)}`}. Nothing has changed yet.
              </div>
              <ul className="small preview-list">
                {preview.preview.slice(0, 50).map((p) => (
                  <li key={`${p.action}${p.path}`}>
                    {p.action === 'delete' ? '−' : p.action === 'move' ? '→' : '+'} {p.path}
                    {p.size !== null ? ` (${formatBytes(p.size)})` : ''}
                  </li>
                ))}
                {preview.preview.length > 50 && <li className="muted">… and {preview.preview.length - 50} more</li>}
              </ul>
            </div>
          )}
          {progress && (
            <div className="muted small" data-testid="files-progress">
              {formatBytes(progress.bytes)} of {formatBytes(progress.totalBytes)} · {progress.files} of {progress.totalFiles} files
            </div>
          )}
          {result && result.outcome !== 'ok' && <div className="error-text">{result.outcome === 'cancelled' ? 'Stopped.' : (result.error ?? 'It did not finish.')}</div>}
          <div className="row">
            <button className="button" data-testid="files-preview-button" disabled={!ready || busy !== null} onClick={() => void run(true)}>
              Preview
            </button>
            <button className={`button ${action.kind === 'delete' ? 'danger' : 'primary'}`} data-testid="files-go" disabled={!ready || busy !== null || (refused && !force)} onClick={() => void run(false)}>
              {action.kind === 'delete' ? 'Delete' : action.kind === 'upload' ? 'Upload' : action.kind === 'mkdir' ? 'Make folder' : action.kind === 'rename' ? 'Rename' : action.kind === 'copy' ? 'Copy' : 'Move'}
            </button>
            {busy ? (
              <button className="button ghost" data-testid="files-cancel" onClick={() => void call('ops:cancel', { id: busy })}>
                Cancel
              </button>
            ) : (
              <button className="button ghost" onClick={close}>
                Close
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

// The Browser's file operations: upload from the user's own computer, new folder, rename, copy or
// move to another remote or folder (a tree of remotes and folders), and delete. Each is previewed first (rclone's dry run lists exactly what would happen; a delete names
// what goes and how much), then done with progress and a Cancel; a destination Reprise manages is
// refused until the user says to go ahead anyway. Every operation lands in the audit log.
import { type DragEvent, useRef, useState } from 'react';
import { type FileOpResult, type TrashKind, deleteFate } from '../../../shared/files';
import { formatBytes, formatSpeed, plural } from '../../../shared/format';
import type { AppError, Result } from '../../../shared/result';
import type { RemoteSummary } from '../../../shared/remotes/types';
import { useUi } from '../store';
import { ErrorBox } from './error-box';
import { RemoteTree } from './remote-tree';
import { type PickedFile, localPaths, pickedFromDrop, pickedFromInput, sendFiles } from '../upload-client';

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
  const [bwlimit, setBwlimit] = useState('');
  const [trash, setTrash] = useState<TrashKind | null>(null);
  // Upload: the picked files, the upload they were staged in (kept between preview and upload), and
  // how far sending them has come.
  const [picked, setPicked] = useState<readonly PickedFile[]>([]);
  const [staged, setStaged] = useState<string | null>(null);
  const [sending, setSending] = useState<{ sent: number; files: number } | null>(null);
  const [over, setOver] = useState(false);
  const sendAbort = useRef<AbortController | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  // What the open panel acts on, held from when it opened: a listing read again (after a cancel) clears the selection.
  const [subject, setSubject] = useState<{ readonly name: string; readonly isDir: boolean; readonly from: string } | null>(null);
  const from = subject?.from ?? null;
  const start = (a: Action) => {
    setAction(a);
    setPreview(null);
    setResult(null);
    setError(null);
    setForce(false);
    setSize(null);
    setName(a.kind === 'rename' && selected ? selected.name : '');
    const item = selected ? { name: selected.name, isDir: selected.isDir, from: at(remote, join(path, selected.name)) } : null;
    setSubject(item);
    setToRemote(remote);
    setToPath(path);
    setPicked([]);
    setBwlimit('');
    setStaged(null);
    setSending(null);
    setTrash(null);
    if (a.kind === 'delete' && item) {
      void call('files:size', { target: item.from }).then((r) => r.ok && setSize(r.value));
      void call('files:trash', { target: item.from }).then((r) => r.ok && setTrash(r.value.kind));
    }
  };
  const close = () => setAction(null);
  const pick = (files: readonly PickedFile[]) => {
    setPicked(files);
    setStaged(null);
    setPreview(null);
    setResult(null);
    setError(null);
  };
  const pickedBytes = picked.reduce((n, f) => n + f.file.size, 0);

  // An upload: the files go to Reprise first (over HTTP in a browser; by path in the desktop
  // window), once; preview and upload then copy what arrived.
  // A preview shows what would happen; a real operation shows its end, re-reads the folder and closes when it went well.
  const show = (r: Result<FileOpResult>, dryRun: boolean) => {
    if (!r.ok) return setError(r.error);
    if (dryRun) return setPreview(r.value);
    setResult(r.value);
    setPreview(null);
    onDone();
    if (r.value.outcome === 'ok') setAction(null);
  };
  const upload = async (dryRun: boolean) => {
    const here = at(remote, path);
    const id = staged ?? crypto.randomUUID();
    setBusy(id);
    setError(null);
    const paths = localPaths(picked);
    if (paths === 'unknown') {
      setBusy(null);
      setError({ kind: 'invalid-request', message: 'Where these files are on this computer cannot be told.', hint: 'Choose them with "Choose files…" or "Choose a folder…" instead.' });
      return;
    }
    if (!paths && staged === null) {
      const s = await call('files:upload-start', { id, to: here, force, files: picked.length, bytes: pickedBytes });
      if (!s.ok) {
        setBusy(null);
        setError(s.error);
        return;
      }
      const abort = new AbortController();
      sendAbort.current = abort;
      setSending({ sent: 0, files: 0 });
      const problem = await sendFiles(id, picked, (sent, files) => setSending({ sent, files }), abort.signal);
      sendAbort.current = null;
      setSending(null);
      if (problem) {
        if (!abort.signal.aborted) await call('ops:cancel', { id });
        setBusy(null);
        if (abort.signal.aborted) setResult({ op: 'upload', source: null, destination: here, dryRun, outcome: 'cancelled', files: 0, bytes: 0, errors: 0, error: null, preview: [] });
        else setError({ kind: 'exit-code', message: problem });
        return;
      }
      setStaged(id);
    }
    const r = await call('files:upload', { id, to: here, dryRun, force, ...(paths ? { paths } : {}) });
    setBusy(null);
    // A real upload, whatever its end, leaves nothing staged on the server; a preview keeps it for the upload.
    if (!dryRun || (!r.ok && r.error.kind === 'not-found')) setStaged(null);
    else if (r.ok) setStaged(id);
    show(r, dryRun);
  };
  const cancel = (id: string) => {
    sendAbort.current?.abort();
    void call('ops:cancel', { id });
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void pickedFromDrop(e.dataTransfer).then(pick);
  };

  // The request of the open action; dryRun decides preview or real.
  const run = async (dryRun: boolean) => {
    if (!action) return;
    if (action.kind === 'upload') return upload(dryRun);
    const id = crypto.randomUUID();
    setBusy(dryRun ? null : id);
    setError(null);
    const common = { dryRun, force, id };
    const r =
      action.kind === 'mkdir'
        ? await call('files:mkdir', { target: at(remote, join(path, name.trim())), dryRun, force })
        : action.kind === 'delete'
          ? await call('files:delete', { target: from!, ...common })
          : action.kind === 'rename'
            ? await call('files:transfer', { op: 'move', from: from!, to: at(remote, join(path, name.trim())), checksum: false, excludes: [], ...common })
            : await call('files:transfer', { op: action.kind, from: from!, to: at(toRemote, join(toPath, subject!.name)), checksum: false, excludes: [], ...(bwlimit.trim() ? { bwlimit: bwlimit.trim() } : {}), ...common });
    setBusy(null);
    show(r, dryRun);
  };

  const title = !action ? '' : action.kind === 'upload' ? `Upload into ${at(remote, path)}` : action.kind === 'mkdir' ? 'New folder' : action.kind === 'rename' ? `Rename “${subject?.name}”` : action.kind === 'delete' ? `Delete “${subject?.name}”` : `${action.kind === 'copy' ? 'Copy' : 'Move'} “${subject?.name}” to`;
  const ready = action?.kind === 'upload' ? picked.length > 0 : action?.kind === 'mkdir' || action?.kind === 'rename' ? name.trim() !== '' && !name.includes('/') : action?.kind === 'copy' || action?.kind === 'move' ? toRemote !== '' : true;
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
        <div className="card stack files-panel" role="dialog" aria-label={title} data-testid="files-panel">
          <strong>{title}</strong>
          {action.kind === 'upload' && (
            <div
              className={`upload-drop stack${over ? ' over' : ''}`}
              data-testid="files-drop"
              onDragOver={(e) => {
                e.preventDefault();
                setOver(true);
              }}
              onDragLeave={() => setOver(false)}
              onDrop={drop}
            >
              <div className="row" style={{ justifyContent: 'center' }}>
                <button className="button small" onClick={() => filesInput.current?.click()} disabled={busy !== null}>
                  Choose files…
                </button>
                <button className="button small" onClick={() => folderInput.current?.click()} disabled={busy !== null}>
                  Choose a folder…
                </button>
              </div>
              <span className="muted small">or drop files and folders here, from this computer</span>
              <input ref={filesInput} type="file" multiple hidden data-testid="files-pick" aria-label="Files to upload" onChange={(e) => pick(pickedFromInput(e.target.files))} />
              <input
                ref={(el) => {
                  folderInput.current = el;
                  // React has no prop for it: a folder picker is an input with webkitdirectory set.
                  el?.setAttribute('webkitdirectory', '');
                }}
                type="file"
                hidden
                data-testid="files-pick-folder"
                aria-label="Folder to upload"
                onChange={(e) => pick(pickedFromInput(e.target.files))}
              />
              {picked.length > 0 && (
                <div data-testid="files-picked" style={{ textAlign: 'left' }}>
                  <div className="small">
                    {plural(picked.length, 'file')}, {formatBytes(pickedBytes)} into <code>{at(remote, path)}</code>
                  </div>
                  <ul className="upload-list">
                    {picked.slice(0, 20).map((f) => (
                      <li key={f.name}>
                        {f.name} <span className="muted">({formatBytes(f.file.size)})</span>
                      </li>
                    ))}
                    {picked.length > 20 && <li className="muted">… and {picked.length - 20} more</li>}
                  </ul>
                </div>
              )}
            </div>
          )}
          {(action.kind === 'mkdir' || action.kind === 'rename') && (
            <input data-testid="files-name" aria-label="Name" value={name} placeholder="Name" onChange={(e) => setName(e.target.value)} autoFocus />
          )}
          {(action.kind === 'copy' || action.kind === 'move') && (
            <RemoteTree
              remotes={remotes.map((r) => r.name)}
              value={{ remote: toRemote, path: toPath }}
              onChange={(t) => {
                setToRemote(t.remote);
                setToPath(t.path);
                setPreview(null);
                setError(null);
                setForce(false);
              }}
            />
          )}
          {(action.kind === 'copy' || action.kind === 'move') && (
            <label className="row small" style={{ alignItems: 'center' }}>
              Speed limit
              <input data-testid="files-bwlimit" aria-label="Speed limit" value={bwlimit} placeholder="none (e.g. 2M for 2 MB/s)" onChange={(e) => setBwlimit(e.target.value)} style={{ width: 200 }} />
            </label>
          )}
          {action.kind === 'delete' && (
            <p data-testid="files-delete-what">
              {subject?.isDir ? 'The folder and everything in it' : 'The file'} <code>{from}</code> will be deleted
              {size ? `: ${plural(size.count, 'file')}, ${formatBytes(size.bytes)}` : ''}.{' '}
              {trash && (
                <strong data-testid="files-delete-fate" data-trash={trash}>
                  {deleteFate(trash)}
                </strong>
              )}
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
          {sending && (
            <div className="progress">
              <div className="progress-bar" role="progressbar" aria-label="Sending" aria-valuenow={pickedBytes > 0 ? Math.round((sending.sent / pickedBytes) * 100) : 0}>
                <div className="progress-fill" style={{ width: `${pickedBytes > 0 ? Math.min(100, (sending.sent / pickedBytes) * 100) : 0}%` }} />
              </div>
              <div className="muted small" data-testid="files-sending">
                Sending to Reprise: {formatBytes(sending.sent)} of {formatBytes(pickedBytes)} · {sending.files} of {plural(picked.length, 'file')}
              </div>
            </div>
          )}
          {progress && (
            <div className="progress">
              <div className="progress-bar" role="progressbar" aria-label="Progress" aria-valuenow={progress.totalBytes > 0 ? Math.round((progress.bytes / progress.totalBytes) * 100) : 0}>
                <div className="progress-fill" style={{ width: `${progress.totalBytes > 0 ? Math.min(100, (progress.bytes / progress.totalBytes) * 100) : 0}%` }} />
              </div>
              <div className="muted small" data-testid="files-progress">
                {formatBytes(progress.bytes)} of {formatBytes(progress.totalBytes)} · {progress.files} of {progress.totalFiles} files{progress.speed > 0 ? ` · ${formatSpeed(progress.speed)}` : ''}
              </div>
            </div>
          )}
          {result && result.outcome !== 'ok' && (
            <div className="error-text" data-testid="files-outcome" data-outcome={result.outcome}>
              {result.outcome === 'cancelled' ? `Cancelled, after ${formatBytes(result.bytes)} had moved.` : (result.error ?? 'It did not finish.')}
            </div>
          )}
          <div className="row">
            <button className="button" data-testid="files-preview-button" disabled={!ready || busy !== null} onClick={() => void run(true)}>
              Preview
            </button>
            <button className={`button ${action.kind === 'delete' ? 'danger' : 'primary'}`} data-testid="files-go" disabled={!ready || busy !== null || (refused && !force)} onClick={() => void run(false)}>
              {action.kind === 'delete' ? 'Delete' : action.kind === 'upload' ? 'Upload' : action.kind === 'mkdir' ? 'Make folder' : action.kind === 'rename' ? 'Rename' : action.kind === 'copy' ? 'Copy' : 'Move'}
            </button>
            {busy ? (
              <button className="button ghost" data-testid="files-cancel" onClick={() => cancel(busy)}>
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

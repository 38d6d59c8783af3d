// "Choose…" next to a folder field. The desktop app opens the system's folder dialog; in a browser
// the server lists its own folders (folders:list: the home folder and mounted drives only) in a
// small dialog that works with the keyboard: arrows move, Enter opens, Backspace goes up.
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { FolderListing } from '../../../shared/folders';
import type { AppError } from '../../../shared/result';
import { Icon } from './icons';
import { useUi } from '../store';

function FolderDialog({ title, start, onPick, onClose }: { title: string; start: string; onPick: (path: string) => void; onClose: () => void }) {
  const { call } = useUi();
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [active, setActive] = useState(0);
  const dialog = useRef<HTMLDialogElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const open = async (path: string | null) => {
    const r = await call('folders:list', { path });
    if (r.ok) {
      setListing(r.value);
      setError(null);
      setActive(0);
      list.current?.focus();
    } else if (path !== null && listing === null) void open(null); // a start that cannot be listed: show where one can start
    else setError(r.error);
  };
  useEffect(() => {
    dialog.current?.showModal();
    // Start where the field points when that can be listed, else at the first starting place.
    void open(start.startsWith('/') ? start : null);
  }, []);
  useEffect(() => {
    if (listing && listing.path === null && listing.roots[0]) void open(listing.roots[0].path);
  }, [listing?.path]);

  const folders = listing?.folders ?? [];
  const keys = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((i) => Math.min(folders.length - 1, i + 1));
    else if (e.key === 'ArrowUp') setActive((i) => Math.max(0, i - 1));
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(folders.length - 1);
    else if (e.key === 'Enter' && folders[active]) void open(folders[active].path);
    else if (e.key === 'Backspace' && listing?.parent) void open(listing.parent);
    else return;
    e.preventDefault();
  };
  useEffect(() => {
    list.current?.querySelector(`[data-index="${active}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [active]);

  return (
    <dialog ref={dialog} className="folder-dialog" aria-label={title} onClose={onClose} data-testid="folder-dialog">
      <h2>{title}</h2>
      <div className="folder-roots" role="group" aria-label="Start from">
        {listing?.roots.map((r) => (
          <button key={r.path} type="button" className={`chip link ${listing.path === r.path ? 'active' : ''}`} onClick={() => void open(r.path)}>
            <Icon name={r.label === 'Home' ? 'folder' : 'disk'} size={12} /> {r.label}
          </button>
        ))}
      </div>
      <div className="folder-where">
        <button type="button" className="button small" disabled={!listing?.parent} onClick={() => listing?.parent && void open(listing.parent)} aria-label="Up one folder">
          ↑ Up
        </button>
        <span className="mono small" data-testid="folder-current">
          {listing?.path ?? '…'}
        </span>
      </div>
      {error && (
        <div className="error-box" role="alert">
          <strong>{error.message}</strong>
          {error.hint && <div>{error.hint}</div>}
        </div>
      )}
      <ul ref={list} className="folder-list" role="listbox" aria-label="Folders" tabIndex={0} onKeyDown={keys} aria-activedescendant={folders[active] ? `folder-${active}` : undefined}>
        {folders.map((f, i) => (
          <li
            key={f.path}
            id={`folder-${i}`}
            role="option"
            aria-selected={i === active}
            data-index={i}
            className={i === active ? 'active' : ''}
            onClick={() => setActive(i)}
            onDoubleClick={() => void open(f.path)}
          >
            <Icon name="folder" size={14} /> {f.name}
          </li>
        ))}
        {listing && folders.length === 0 && <li className="muted small">No folders inside.</li>}
        {listing?.truncated && <li className="muted small">Only the first folders are listed; type the path for others.</li>}
      </ul>
      <p className="help">Double-click or Enter opens a folder; Backspace goes up.</p>
      <div className="actions">
        <button type="button" className="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="button primary" data-testid="folder-use" disabled={!listing?.path} onClick={() => listing?.path && (onPick(listing.path), dialog.current?.close())}>
          Use this folder
        </button>
      </div>
    </dialog>
  );
}

/** A "Choose…" button for a folder field: native dialog in the desktop app, the server's folders in a browser. */
export function ChooseFolder({ label, value, onPick }: { label: string; value: string; onPick: (path: string) => void }) {
  const { call, info } = useUi();
  const [open, setOpen] = useState(false);
  const choose = async () => {
    if (info?.host === 'electron') {
      const r = await call('app:pick-folder', { title: label });
      if (r.ok && r.value.path) onPick(r.value.path);
      return;
    }
    setOpen(true);
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void choose()} aria-label={`Choose ${label.toLowerCase()}`}>
        Choose…
      </button>
      {open && <FolderDialog title={label} start={value.trim()} onPick={onPick} onClose={() => setOpen(false)} />}
    </>
  );
}

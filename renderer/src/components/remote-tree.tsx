// The copy/move target picker: every remote as the root of a folder tree. A click on a folder picks
// it and opens it (its folders are listed through browse:list when first opened); the arrow beside
// it only opens or closes. Keyboard: the folders are buttons in order, Tab walks them.
import { useEffect, useState } from 'react';
import type { AppError } from '../../../shared/result';
import { useUi } from '../store';
import { Icon } from './icons';

export interface TreeTarget {
  readonly remote: string;
  readonly path: string;
}

type Children = { readonly state: 'loading' } | { readonly state: 'ready'; readonly folders: readonly string[] } | { readonly state: 'error'; readonly error: AppError };

const keyOf = (t: TreeTarget) => `${t.remote}:${t.path}`;
const join = (path: string, name: string) => (path ? `${path}/${name}` : name);

interface Props {
  readonly remotes: readonly string[];
  readonly value: TreeTarget;
  readonly onChange: (t: TreeTarget) => void;
}

/** A tree of remotes and their folders; the picked one is highlighted. */
export function RemoteTree({ remotes, value, onChange }: Props) {
  const { call } = useUi();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const [children, setChildren] = useState<Readonly<Record<string, Children>>>({});

  const load = async (t: TreeTarget) => {
    const key = keyOf(t);
    setChildren((c) => ({ ...c, [key]: { state: 'loading' } }));
    const r = await call('browse:list', { remote: t.remote, path: t.path });
    setChildren((c) => ({ ...c, [key]: r.ok ? { state: 'ready', folders: r.value.entries.filter((e) => e.isDir).map((e) => e.name).sort((a, b) => a.localeCompare(b)) } : { state: 'error', error: r.error } }));
  };
  const toggle = (t: TreeTarget, to?: boolean) => {
    const key = keyOf(t);
    const opening = to ?? !open.has(key);
    setOpen((s) => {
      const n = new Set(s);
      if (opening) n.add(key);
      else n.delete(key);
      return n;
    });
    if (opening && children[key]?.state !== 'ready') void load(t);
  };
  // Open the way to where the picker starts: its remote and every folder above the picked one.
  useEffect(() => {
    const segs = value.path.split('/').filter(Boolean);
    for (let i = 0; i < segs.length; i++) toggle({ remote: value.remote, path: segs.slice(0, i).join('/') }, true);
    if (segs.length === 0) toggle({ remote: value.remote, path: '' }, true);
  }, []);

  const node = (t: TreeTarget, label: string, depth: number) => {
    const key = keyOf(t);
    const isOpen = open.has(key);
    const kids = children[key];
    const picked = keyOf(value) === key;
    return (
      <li key={key} role="treeitem" aria-expanded={isOpen} aria-selected={picked} aria-label={key}>
        <div className={`tree-row${picked ? ' picked' : ''}`} style={{ paddingLeft: 6 + depth * 16 }}>
          <button className="tree-caret" aria-label={`${isOpen ? 'Close' : 'Open'} ${key}`} onClick={() => toggle(t)}>
            <Icon name={isOpen ? 'chevron-down' : 'chevron-right'} size={12} />
          </button>
          <button
            className="tree-label"
            data-testid="tree-folder"
            data-target={key}
            onClick={() => {
              onChange(t);
              if (!isOpen) toggle(t, true);
            }}
          >
            <Icon name={depth === 0 ? 'cloud' : 'folder'} size={14} /> {label}
          </button>
        </div>
        {isOpen && (
          <ul role="group">
            {kids?.state === 'loading' && (
              <li className="muted small tree-note" style={{ paddingLeft: 28 + depth * 16 }}>
                Listing…
              </li>
            )}
            {kids?.state === 'error' && (
              <li className="error-text small tree-note" style={{ paddingLeft: 28 + depth * 16 }}>
                {kids.error.message}
              </li>
            )}
            {kids?.state === 'ready' && kids.folders.length === 0 && (
              <li className="muted small tree-note" style={{ paddingLeft: 28 + depth * 16 }}>
                No folders
              </li>
            )}
            {kids?.state === 'ready' && kids.folders.map((f) => node({ remote: t.remote, path: join(t.path, f) }, f, depth + 1))}
          </ul>
        )}
      </li>
    );
  };

  return (
    <div className="stack">
      <ul className="remote-tree" role="tree" aria-label="Remotes and folders" data-testid="files-tree">
        {remotes.map((r) => node({ remote: r, path: '' }, `${r}:`, 0))}
      </ul>
      <div className="small">
        Into <code data-testid="files-tree-picked">{keyOf(value)}</code>
      </div>
    </div>
  );
}

// Browser: any remote and path — breadcrumbs, sort, quick filter, folder sizes on demand, quota,
// downloads with progress, and "Open in Restore" for folders inside a job's snapshot or mirror
// destination. The list is virtualised so a 50,000-entry folder scrolls smoothly.
import '../remotes/remotes.css';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatBytes, formatSpeed, formatWhen } from '../../../shared/format';
import { When } from '../components/when';
import type { BrowseEntry, BrowseListing, RemoteQuota } from '../../../shared/remotes/types';
import type { AppError } from '../../../shared/result';
import { Icon } from '../components/icons';
import { useUi } from '../store';
import { useRemotes } from '../remotes/remotes-store';
import { sortEntries, type SortKey } from '../../../shared/remotes/sort-entries';
import { type BackupLocation, type PointRef, type RestorableLocation, locateInBackup } from '../../../shared/backup-location';
import { ErrorBox } from '../components/error-box';
import { FileActions } from '../components/file-actions';

const ROW = 34;

function Breadcrumbs({ remote, path, onGo }: { remote: string; path: string; onGo: (path: string) => void }) {
  const parts = path.split('/').filter(Boolean);
  return (
    <nav className="crumbs" aria-label="Folder path">
      <button className="crumb" onClick={() => onGo('')}>
        {remote}:
      </button>
      {parts.map((p, i) => (
        <span key={i}>
          <span className="muted" aria-hidden="true">
            {' / '}
          </span>
          <button className="crumb" aria-current={i === parts.length - 1 ? 'location' : undefined} onClick={() => onGo(parts.slice(0, i + 1).join('/'))}>
            {p}
          </button>
        </span>
      ))}
    </nav>
  );
}

function Quota({ quota }: { quota: RemoteQuota | null | undefined }) {
  if (quota === undefined) return null;
  if (quota === null) return <span className="muted small">This provider does not report free space.</span>;
  const used = quota.used ?? 0;
  const total = quota.total;
  return (
    <span className="small" data-testid="quota">
      {formatBytes(used)} used{total ? ` of ${formatBytes(total)}` : ''}
      {quota.free !== undefined ? ` · ${formatBytes(quota.free)} free` : ''}
    </span>
  );
}

function Downloads() {
  const { downloads, dismissDownload } = useRemotes();
  const { call } = useUi();
  const list = Object.values(downloads);
  if (list.length === 0) return null;
  return (
    <div className="card stack" aria-label="Downloads">
      {list.map((d) => {
        const pct = d.totalBytes > 0 ? Math.round((d.bytes / d.totalBytes) * 100) : d.state === 'done' ? 100 : 0;
        return (
          <div key={d.id} className="download" data-testid="download">
            <div className="row">
              <span className="grow">
                {d.source} → {d.to}
              </span>
              {d.state === 'running' ? (
                <button className="button small" onClick={() => void call('ops:cancel', { id: d.id })}>
                  Stop
                </button>
              ) : (
                <button className="button ghost small" aria-label="Dismiss" onClick={() => dismissDownload(d.id)}>
                  <Icon name="cross" size={13} />
                </button>
              )}
            </div>
            <div className="progress" aria-label="Download progress" aria-valuenow={pct} role="progressbar">
              <div className="progress-fill" style={{ width: `${pct}%` }} />
            </div>
            <div className="muted small">
              {d.state === 'running' && `${formatBytes(d.bytes)} of ${formatBytes(d.totalBytes)} · ${formatSpeed(d.speed)}`}
              {d.state === 'done' && `Done · ${d.files} file${d.files === 1 ? '' : 's'}, ${formatBytes(d.bytes)}`}
              {d.state === 'failed' && <span className="tone-bad">{d.message ?? 'The download failed.'}</span>}
              {d.state === 'cancelled' && 'Stopped.'}
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** A restore point id (`2026-11-22T030000Z`) as a local time. */
const pointTime = (id: string) => formatWhen(Date.parse(id.replace(/^(\d{4}-\d\d-\d\d)T(\d\d)(\d\d)(\d\d)Z.*$/, '$1T$2:$3:$4Z')), Date.now());

function describePoint(at: PointRef): string {
  if (at.kind === 'snapshot') return `the snapshot of ${pointTime(at.id)}`;
  if (at.kind === 'replaced-by') return `what the backup of ${pointTime(at.run)} replaced`;
  return 'the newest version';
}

/** Where the folder on screen sits in the backups, with the way into Restore (or why there is none). */
function InBackup({ here, onOpen }: { here: BackupLocation; onOpen: (l: RestorableLocation) => void }) {
  if (here.kind === 'copy') {
    const why = 'Copy destinations keep no restore points, so Restore has no versions of this folder. Download it instead.';
    return (
      <div className="card row in-backup" data-testid="in-backup">
        <Icon name="folder" size={15} />
        <span className="grow">
          Part of a plain copy made by <strong>{here.jobName}</strong> <span className="muted small">({here.target})</span>
          <span className="muted small in-backup-why">{why}</span>
        </span>
        <span title={why}>
          <button className="button small" disabled aria-label="Open in Restore (not available for copies)">
            <Icon name="restore" size={13} /> Open in Restore
          </button>
        </span>
      </div>
    );
  }
  const name = here.itemPath?.split('/').at(-1);
  return (
    <div className="card row in-backup" data-testid="in-backup">
      <Icon name="restore" size={15} />
      <span className="grow">
        {name ? (
          <>
            <strong>{name}</strong> is in the backup of <strong>{here.jobName}</strong> · {describePoint(here.at)}
          </>
        ) : (
          <>
            This folder is the {here.destKind} of <strong>{here.jobName}</strong>
          </>
        )}{' '}
        <span className="muted small">
          ({here.destKind === 'mirror' ? 'mirror' : 'snapshots'} {here.target})
        </span>
      </span>
      <button className="button primary small" data-testid="open-in-restore" onClick={() => onOpen(here)}>
        <Icon name="restore" size={13} /> Open in Restore
      </button>
    </div>
  );
}

/** The Browser page. */
export function Browser() {
  const { call, jobs, openRestore } = useUi();
  const { remotes, setRemotes, browseTarget } = useRemotes();
  const [remote, setRemote] = useState(browseTarget?.remote ?? '');
  const [path, setPath] = useState(browseTarget?.path ?? '');
  const [listing, setListing] = useState<BrowseListing | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [emptyRemote, setEmptyRemote] = useState(false);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const [sizes, setSizes] = useState<Record<string, number | 'busy'>>({});
  const [quota, setQuota] = useState<RemoteQuota | null | undefined>(undefined);
  const [selected, setSelected] = useState<BrowseEntry | null>(null);
  const [downloadTo, setDownloadTo] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  // Only the newest listing may land: switching remote or folder while one is on its way (the first
  // remote's listing answering after the second's) must not put the old folder on screen.
  const latestListing = useRef(0);
  const shownRemote = useRef(remote);
  shownRemote.current = remote;

  useEffect(() => {
    if (remotes) return;
    void call('remotes:list', {}).then((r) => r.ok && setRemotes(r.value));
  }, [call, remotes, setRemotes]);
  useEffect(() => {
    if (!remote && remotes?.[0]) setRemote(remotes[0].name);
  }, [remote, remotes]);

  const open = useCallback(
    async (r: string, p: string) => {
      setLoading(true);
      setError(null);
      setEmptyRemote(false);
      setSelected(null);
      setFilter('');
      const ticket = ++latestListing.current;
      const res = await call('browse:list', { remote: r, path: p });
      if (ticket !== latestListing.current) return;
      setLoading(false);
      if (res.ok) {
        setListing(res.value);
        setPath(p);
        useRemotes.setState({ browseTarget: { remote: r, path: p } });
        scroller.current?.scrollTo({ top: 0 });
      } else if (res.error.kind === 'not-found' && p === '') {
        // A new remote (an encrypted one, say) whose folder the first backup will make: nothing is
        // wrong, there is just nothing there yet.
        setListing({ remote: r, path: '', entries: [] });
        setPath('');
        setEmptyRemote(true);
      } else setError(res.error);
    },
    [call],
  );
  useEffect(() => {
    if (!remote) return;
    void open(remote, browseTarget?.remote === remote ? (browseTarget?.path ?? '') : '');
    setQuota(undefined);
    setSizes({});
    void call('browse:about', { remote }).then((r) => {
      if (shownRemote.current === remote) setQuota(r.ok ? r.value : null);
    });
  }, [remote]);

  const rows = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const entries = listing?.entries ?? [];
    const filtered = q ? entries.filter((e) => e.name.toLowerCase().includes(q)) : entries;
    return sortEntries(filtered, sort.key, sort.desc);
  }, [listing, filter, sort]);

  // Which job's destination (if any) the folder on screen and the selected folder belong to.
  const jobList = useMemo(() => jobs.map((j) => j.job), [jobs]);
  const aliases = useMemo(() => Object.fromEntries((remotes ?? []).flatMap((r) => (r.type === 'alias' && r.wraps ? [[r.name, r.wraps]] : []))), [remotes]);
  const here = useMemo(() => (listing ? locateInBackup(jobList, { remote: listing.remote, path: listing.path }, aliases) : null), [jobList, listing, aliases]);
  const selectedIn = useMemo(() => {
    if (!listing || !selected?.isDir) return null;
    const l = locateInBackup(jobList, { remote: listing.remote, path: listing.path ? `${listing.path}/${selected.name}` : selected.name }, aliases);
    return l?.kind === 'restorable' && l.itemPath ? l : null;
  }, [jobList, listing, selected, aliases]);
  const toRestore = (l: RestorableLocation) => openRestore({ jobId: l.jobId, destId: l.destId, target: l.target, at: l.at, itemPath: l.itemPath });

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW, overscan: 12 });
  const child = (name: string) => (path ? `${path}/${name}` : name);
  const sizeOf = async (e: BrowseEntry) => {
    const key = child(e.name);
    setSizes((s) => ({ ...s, [key]: 'busy' }));
    const r = await call('browse:size', { remote, path: key });
    setSizes((s) => ({ ...s, [key]: r.ok ? r.value.bytes : -1 }));
  };
  const header = (key: SortKey, label: string) => (
    <button className="col-head" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'} onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : false }))}>
      {label} {sort.key === key ? (sort.desc ? '↓' : '↑') : ''}
    </button>
  );
  const download = async (e: FormEvent) => {
    e.preventDefault();
    if (!selected) return;
    const r = await call('browse:download', { remote, path: child(selected.name), isDir: selected.isDir, to: downloadTo.trim() });
    if (!r.ok) setError(r.error);
  };

  if (remotes && remotes.length === 0) {
    return (
      <div className="empty">
        <h2>No remotes to browse</h2>
        <p>Add a remote on the Remotes page first.</p>
      </div>
    );
  }
  return (
    <div className="stack browser">
      <div className="toolbar remotes-toolbar">
        <label className="inline">
          <span className="muted small">Remote</span>
          <select data-testid="browse-remote" value={remote} onChange={(e) => setRemote(e.target.value)}>
            {(remotes ?? []).map((r) => (
              <option key={r.name} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <input type="search" className="grow" aria-label="Filter this folder" data-testid="browse-filter" placeholder="Filter this folder" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <Quota quota={quota} />
      </div>
      {remote && <Breadcrumbs remote={remote} path={path} onGo={(p) => void open(remote, p)} />}
      {here && listing?.remote === remote && <InBackup here={here} onOpen={toRestore} />}
      {error && <ErrorBox error={error} />}
      <div className="file-table card" role="grid" aria-label="Folder contents" aria-rowcount={rows.length}>
        <div className="file-row file-head" role="row">
          {header('name', 'Name')}
          {header('size', 'Size')}
          {header('modTime', 'Modified')}
        </div>
        <div ref={scroller} className="file-scroll" data-testid="browse-scroll">
          {loading && <div className="muted pad">Listing…</div>}
          {!loading && listing && rows.length === 0 && (
            <div className="muted pad" data-testid="browse-empty">
              {filter ? 'Nothing matches the filter.' : emptyRemote ? 'Empty — ready for the first backup.' : 'This folder is empty.'}
            </div>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const e = rows[v.index]!;
              const key = child(e.name);
              const size = e.isDir ? sizes[key] : e.size;
              return (
                <div
                  key={v.key}
                  role="row"
                  aria-selected={selected?.name === e.name}
                  className={`file-row ${selected?.name === e.name ? 'selected' : ''}`}
                  data-testid="browse-row"
                  tabIndex={0}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${v.start}px)` }}
                  onClick={() => setSelected(e)}
                  onDoubleClick={() => e.isDir && void open(remote, key)}
                  onKeyDown={(k) => k.key === 'Enter' && e.isDir && void open(remote, key)}
                >
                  <span className="file-name" role="gridcell">
                    <Icon name={e.isDir ? 'folder' : 'file'} size={15} /> {e.name}
                  </span>
                  <span role="gridcell" className="num">
                    {e.isDir ? (
                      size === undefined ? (
                        <button className="link small" onClick={(ev) => (ev.stopPropagation(), void sizeOf(e))}>
                          Size
                        </button>
                      ) : size === 'busy' ? (
                        '…'
                      ) : size < 0 ? (
                        '—'
                      ) : (
                        formatBytes(size)
                      )
                    ) : (
                      formatBytes(e.size)
                    )}
                  </span>
                  <span role="gridcell" className="muted">
                    {e.modTime ? <When ms={Date.parse(e.modTime)} style="short" /> : ''}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
        <div className="file-foot muted small" data-testid="browse-count">
          {listing ? `${rows.length.toLocaleString()} of ${listing.entries.length.toLocaleString()} items` : ''}
        </div>
      </div>
      {remote && listing && <FileActions remote={remote} path={path} selected={selected} remotes={remotes ?? []} onDone={() => void open(remote, path)} />}
      {selected && (
        <form className="card row" onSubmit={download} aria-label="Download">
          <span>
            Download <strong>{selected.name}</strong> to
          </span>
          <input className="grow" data-testid="download-to" placeholder="/home/me/Downloads" value={downloadTo} onChange={(e) => setDownloadTo(e.target.value)} />
          <button className="button primary" type="submit" disabled={!downloadTo.trim().startsWith('/') && !/^[A-Za-z]:\\/.test(downloadTo.trim())}>
            Download
          </button>
          {selected.isDir && (
            // Kept together, so when the row wraps the folder's actions move as one.
            <span className="inline">
              <button className="button" type="button" onClick={() => void open(remote, child(selected.name))}>
                Open
              </button>
              {selectedIn && (
                <button className="button" type="button" data-testid="open-selected-in-restore" onClick={() => toRestore(selectedIn)}>
                  <Icon name="restore" size={13} /> Open “{selected.name}” in Restore
                </button>
              )}
            </span>
          )}
        </form>
      )}
      <Downloads />
    </div>
  );
}

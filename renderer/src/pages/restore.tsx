// Restore: item first. Choose a job, then Artist (searchable, virtualised) → Album (cover, tracks,
// size) → the versions of that album across every snapshot and mirror, newest first → restore it
// with a conflict policy, a preview, live progress and a verification at the end.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useMemo, useRef, useState } from 'react';
import { formatBytes, formatWhen, plural } from '../../../shared/format';
import { When } from '../components/when';
import { ChooseFolder } from '../components/folder-picker';
import type { Job } from '../../../shared/model';
import { AUDIO_FILE, type AlbumEntry, type ArtistEntry, type ConflictPolicy, type ItemVersionInfo, type LooseSet, type RestoreBrowse, type RestoreOutcome, restoreFileCount } from '../../../shared/restore';
import type { AppError } from '../../../shared/result';
import { findInPicker, versionIndexFor } from '../../../shared/backup-location';
import { Icon } from '../components/icons';
import { type RestoreFocus, useUi } from '../store';
import { ErrorBox } from '../components/error-box';

/** What the user picked to restore: an album, or a whole artist. */
interface Item {
  readonly path: string;
  readonly name: string;
  readonly subtitle: string;
  readonly album?: AlbumEntry;
  /** A single file (a track not in an album): its icon, and where Back goes. */
  readonly file?: { readonly icon: 'disc' | 'file'; readonly back: string };
}

/** A restore point id (`2026-11-22T030000Z`) as a time. */
const pointMs = (id: string) => Date.parse(id.replace(/^(\d{4}-\d\d-\d\d)T(\d\d)(\d\d)(\d\d)Z.*$/, '$1T$2:$3:$4Z'));
const pointTime = (id: string) => formatWhen(pointMs(id), Date.now());

// Diacritics-insensitive matching, so "bjork" finds "Björk" and "sigur ros" finds "Sigur Rós".
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function RestoreError({ error }: { error: AppError }) {
  // Stopped by the user: said calmly, not as a failure.
  if (error.kind === 'cancelled') {
    return (
      <div className="result" role="status" data-testid="restore-stopped">
        <Icon name="stop" /> {error.message}
      </div>
    );
  }
  return <ErrorBox error={error} />;
}

/** A cover image read from the backup, or a quiet placeholder. */
function Cover({ job, browse, path, size }: { job: string; browse: RestoreBrowse; path: string | null; size: number }) {
  const { call } = useUi();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!path) return;
    let live = true;
    void call('restore:cover', { name: job, from: browse.destId, at: browse.pointId, path }).then((r) => live && r.ok && setUrl(r.value.dataUrl));
    return () => {
      live = false;
    };
  }, [call, job, browse.destId, browse.pointId, path]);
  return url ? (
    <img className="cover" src={url} alt="" width={size} height={size} onError={() => setUrl(null)} />
  ) : (
    <div className="cover placeholder" style={{ width: size, height: size }} aria-hidden="true">
      <Icon name="disc" size={Math.round(size / 2.6)} />
    </div>
  );
}

/** What an artist's row says: its albums (folders), and its tracks (files) not in any. */
function artistCounts(a: ArtistEntry, music: boolean): string {
  const loose = a.loose && (music ? a.loose.tracks : a.loose.files);
  const albums = plural(a.albums.length, music ? 'album' : 'folder');
  if (!loose) return albums;
  const looseText = plural(loose, music ? 'track' : 'file');
  return a.albums.length > 0 ? `${albums} · ${looseText}` : looseText;
}

/** What "Restore all of …" brings back, in words. */
function everythingOf(a: ArtistEntry, music: boolean): string {
  const albums = plural(a.albums.length, music ? 'album' : 'folder');
  if (!a.loose) return `everything in ${albums}`;
  const files = plural(a.loose.files, 'file');
  return a.albums.length === 0 ? `everything in it: ${files}` : `everything in ${albums} and the ${files} beside ${a.albums.length === 1 ? 'it' : 'them'}`;
}

/** A single file's icon: a track in a music library, a plain file otherwise. */
const fileIcon = (name: string, music: boolean): 'disc' | 'file' => (music && AUDIO_FILE.test(name) ? 'disc' : 'file');

/**
 * The files right inside a folder beside its sub-folders (an artist's tracks not in an album, or
 * the source folder's own files): each one can be restored on its own.
 */
function LooseFiles({ loose, where, music, heading, subtitle, more, onPick }: { loose: LooseSet; where: string; music: boolean; heading: string; subtitle: string; more: string; onPick: (item: Item) => void }) {
  const iconOf = (name: string) => fileIcon(name, music);
  const unnamed = loose.files - loose.named.length;
  return (
    <div className="card" data-testid="loose-files">
      <h3>{heading}</h3>
      <p className="muted small">
        {music && loose.tracks > 0 ? `${plural(loose.tracks, 'track')}${loose.files > loose.tracks ? ` and ${plural(loose.files - loose.tracks, 'other file')}` : ''}` : plural(loose.files, 'file')} right inside {where}, {formatBytes(loose.bytes)}
      </p>
      <div className="loose-list">
        {loose.named.map((f) => (
          <button key={f.path} className="loose-file" data-testid="loose-file" onClick={() => onPick({ path: f.path, name: f.name, subtitle, file: { icon: iconOf(f.name), back: where } })}>
            <Icon name={iconOf(f.name)} size={14} />
            <span className="loose-name">{f.name}</span>
            <span className="muted small">{formatBytes(f.bytes)}</span>
          </button>
        ))}
      </div>
      {unnamed > 0 && (
        <p className="muted small" data-testid="loose-more">
          and {plural(unnamed, 'more file')}, too many to list here: {more} brings them back with the rest.
        </p>
      )}
    </div>
  );
}

function ArtistList({ artists, selected, onSelect, label, music }: { artists: readonly ArtistEntry[]; selected: string | null; onSelect: (a: ArtistEntry) => void; label: string; music: boolean }) {
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = fold(query.trim());
    return q ? artists.filter((a) => fold(a.name).includes(q)) : artists;
  }, [artists, query]);
  const parent = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({ count: shown.length, getScrollElement: () => parent.current, estimateSize: () => 46, overscan: 12 });
  const current = shown.findIndex((a) => a.path === selected);
  // The artist may be chosen from outside (the Browser's "Open in Restore") or with the arrow keys: keep it in view.
  useEffect(() => {
    if (current >= 0) rows.scrollToIndex(current, { align: 'auto' });
  }, [selected]);
  // One tab stop for the whole list; the arrows (and Home/End, Page Up/Down) move the selection.
  const keys = (e: KeyboardEvent<HTMLElement>) => {
    const page = Math.max(1, Math.floor((parent.current?.clientHeight ?? 460) / 46) - 1);
    const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: shown.length - 1, PageDown: current + page, PageUp: current - page };
    if (!(e.key in moves) || shown.length === 0) return;
    e.preventDefault();
    const next = Math.min(shown.length - 1, Math.max(0, e.key === 'ArrowUp' && current < 0 ? 0 : moves[e.key]!));
    onSelect(shown[next]!);
    if (e.currentTarget !== parent.current) parent.current?.focus();
  };
  return (
    <div className="card artist-pane">
      <label className="search">
        <Icon name="search" size={14} />
        <input data-testid="artist-search" aria-label={`Search ${label.toLowerCase()}`} placeholder={`Search ${plural(artists.length, label.toLowerCase().replace(/s$/, ''))}`} value={query} onChange={(e) => setQuery(e.target.value)} onKeyDown={(e) => e.key === 'ArrowDown' && keys(e)} />
      </label>
      <div ref={parent} className="artist-scroll" role="listbox" aria-label={label} tabIndex={0} onKeyDown={keys} aria-activedescendant={current >= 0 ? `artist-${current}` : undefined} data-testid="artist-list">
        <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
          {rows.getVirtualItems().map((v) => {
            const a = shown[v.index]!;
            return (
              <button
                key={a.path}
                id={`artist-${v.index}`}
                role="option"
                tabIndex={-1}
                aria-selected={a.path === selected}
                data-testid="artist-row"
                className={`artist-row ${a.path === selected ? 'active' : ''}`}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: v.size, transform: `translateY(${v.start}px)` }}
                onClick={() => onSelect(a)}
              >
                <span className="artist-name">{a.name}</span>
                <span className="muted small">{artistCounts(a, music)}</span>
              </button>
            );
          })}
        </div>
        {shown.length === 0 && <p className="muted small pad">Nothing matches “{query}”.</p>}
      </div>
    </div>
  );
}

/** Two versions in the same minute (a snapshot and a mirror of one run) need their seconds to tell apart. */
const sameMinute = (all: readonly ItemVersionInfo[], v: ItemVersionInfo) => all.some((o) => o !== v && Math.floor(Date.parse(o.time) / 60_000) === Math.floor(Date.parse(v.time) / 60_000));

function describeChanges(v: ItemVersionInfo): string {
  if (!v.changes) return 'oldest version';
  const { added, removed, changed } = v.changes;
  if (added + removed + changed === 0) return 'same as the version before';
  return [changed && `${changed} changed`, added && `${added} added`, removed && `${removed} removed`].filter(Boolean).join(', ');
}

/** Where the item was originally: the source folder it came from plus the path below it. */
function originalFolder(job: Job, path: string): string | null {
  const [base, ...rest] = path.split('/');
  const source = job.sources.map((s) => s.replace(/\/+$/, '')).find((s) => s.split('/').at(-1) === base);
  if (!source) return null;
  // The whole source folder goes back into its parent; anything inside it into its own parent.
  if (rest.length === 0) return source.split('/').slice(0, -1).join('/') || '/';
  return [source, ...rest.slice(0, -1)].join('/');
}

/** Says which version an "Open in Restore" selected, and why, when it is not simply the newest. */
function FromBrowser({ start, found, versions }: { start: RestoreFocus; found: number; versions: readonly ItemVersionInfo[] }) {
  const where = start.at.kind === 'replaced-by' ? `versions/${start.at.run}` : start.at.kind === 'snapshot' ? start.at.id : null;
  if (!where) return null;
  const text =
    found < 0
      ? `${where} of ${start.target} holds no version of this item any more (pruned, or it was not backed up then): the newest version is selected.`
      : start.at.kind === 'replaced-by'
        ? `Opened from ${where} of ${start.target}: the files the backup of ${pointTime(start.at.run)} replaced or deleted. Selected: the version they belong to, from ${formatWhen(Date.parse(versions[found]!.time), Date.now())}.`
        : `Opened from the snapshot ${where} of ${start.target}.`;
  return (
    <p className="muted small" data-testid="restore-from-browser">
      <Icon name="folder" size={12} /> {text}
    </p>
  );
}

function RestorePanel({ job, item, browse, onBack, start }: { job: Job; item: Item; browse: RestoreBrowse; onBack: () => void; start?: RestoreFocus | undefined }) {
  const { call, restores } = useUi();
  const [versions, setVersions] = useState<readonly ItemVersionInfo[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [choice, setChoice] = useState(0);
  // Opened from the Browser: the version its folder stands for (-1: not found, the newest is chosen).
  const [found, setFound] = useState<number | null>(null);
  const original = originalFolder(job, item.path);
  const [where, setWhere] = useState<'original' | 'elsewhere'>(original ? 'original' : 'elsewhere');
  const [elsewhere, setElsewhere] = useState('');
  const [policy, setPolicy] = useState<ConflictPolicy>('keep-both');
  const [preview, setPreview] = useState<RestoreOutcome | null>(null);
  const [result, setResult] = useState<RestoreOutcome | null>(null);
  const [restoreId, setRestoreId] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'restore' | null>(null);

  useEffect(() => {
    let live = true;
    setVersions(null);
    void call('restore:versions', { name: job.name, path: item.path }).then((r) => {
      if (!live) return;
      if (!r.ok) return setError(r.error);
      setVersions(r.value);
      if (start) {
        const i = versionIndexFor(r.value, start.destId, start.at);
        setFound(i);
        setChoice(Math.max(i, 0));
      }
    });
    return () => {
      live = false;
    };
  }, [call, job.name, item.path]); // `start` only matters for the first answer

  const version = versions?.[choice];
  const to = where === 'original' ? original ?? '' : elsewhere.trim();
  const progress = restoreId ? restores[restoreId] : undefined;

  const run = async (dryRun: boolean) => {
    if (!version) return;
    setError(null);
    setResult(null);
    if (dryRun) setPreview(null);
    const id = crypto.randomUUID();
    setRestoreId(dryRun ? null : id);
    setBusy(dryRun ? 'preview' : 'restore');
    const r = await call('restore:run', { name: job.name, path: item.path, at: version.pointId, from: version.destId, to, policy, dryRun, restoreId: id });
    setBusy(null);
    if (!r.ok) return setError(r.error);
    if (dryRun) setPreview(r.value);
    else setResult(r.value);
  };

  return (
    <div className="stack" data-testid="restore-panel">
      <button className="button ghost small back" onClick={onBack}>
        ← {item.album ? `All albums of ${item.subtitle}` : item.file ? item.file.back : 'Back'}
      </button>
      <div className="card item-head">
        {item.album ? <Cover job={job.name} browse={browse} path={item.album.cover} size={112} /> : <div className="cover placeholder" style={{ width: 112, height: 112 }} aria-hidden="true"><Icon name={item.file?.icon ?? 'folder'} size={40} /></div>}
        <div>
          <h2 data-testid="item-title">{item.name}</h2>
          <div className="muted">{item.subtitle}</div>
          {item.album && (
            <div className="muted small">
              {plural(item.album.tracks, 'track')} · {formatBytes(item.album.bytes)}
            </div>
          )}
          <div className="muted small mono">{item.path}</div>
        </div>
      </div>

      <div className="card">
        <h3>Versions</h3>
        {!versions && !error && <p className="muted">Looking through every snapshot and mirror…</p>}
        {versions && versions.length === 0 && <p className="muted">No restore point holds this item.</p>}
        {versions && start && found !== null && <FromBrowser start={start} found={found} versions={versions} />}
        {versions && versions.length > 0 && (
          <div className="versions" role="radiogroup" aria-label="Versions">
            {versions.map((v, i) => (
              <label key={`${v.destId}-${v.pointId}`} className={`version ${i === choice ? 'active' : ''}`} data-testid="version-row">
                <input type="radio" name="version" checked={i === choice} onChange={() => { setChoice(i); setPreview(null); setResult(null); }} />
                <span className="version-time">
                  <When ms={Date.parse(v.time)} style="short" seconds={sameMinute(versions, v)} />
                </span>
                <span className="chip">
                  <Icon name={v.kind === 'mirror' ? 'cloud' : 'folder'} size={12} /> {v.kind === 'mirror' ? 'Mirror' : 'Snapshot'} · {v.target}
                </span>
                <span className="muted small">
                  {plural(v.files, 'file')} · {formatBytes(v.bytes)}
                </span>
                <span className="muted small">{describeChanges(v)}</span>
              </label>
            ))}
          </div>
        )}
      </div>

      {version && (
        <div className="card form restore-form">
          <h3>Restore this version</h3>
          <fieldset className="field">
            <legend>Restore to</legend>
            {original && (
              <label className="radio">
                <input type="radio" name="where" checked={where === 'original'} onChange={() => setWhere('original')} /> Where it was: <span className="mono small">{original}</span>
              </label>
            )}
            <label className="radio">
              <input type="radio" name="where" checked={where === 'elsewhere'} onChange={() => setWhere('elsewhere')} /> Another folder
            </label>
            {where === 'elsewhere' && (
              <>
                <div className="row">
                  <input data-testid="restore-to" aria-label="Restore into folder" placeholder="/home/me/Restored" value={elsewhere} onChange={(e) => setElsewhere(e.target.value)} />
                  <ChooseFolder label="Restore into folder" value={elsewhere} onPick={setElsewhere} />
                </div>
                <p className="help">A folder that does not exist yet is created. The item lands in it under its own name.</p>
              </>
            )}
          </fieldset>
          <label className="field">
            <span>If a file is already there with other content</span>
            <select data-testid="restore-policy" value={policy} onChange={(e) => setPolicy(e.target.value as ConflictPolicy)}>
              <option value="keep-both">Keep both (a restored file that differs gets “(restored …)” in its name, next to yours)</option>
              <option value="skip">Keep the file that is there</option>
              <option value="overwrite">Replace it with the version from the backup</option>
            </select>
          </label>
          {error && <RestoreError error={error} />}
          {preview && (
            <div className="preview" data-testid="restore-preview">
              {preview.createFiles + preview.overwriteFiles + preview.keepBothFiles === 0 && preview.skipFiles === 0 ? (
                <strong>Nothing to copy: every file is already there, the same as in this version.</strong>
              ) : (
                <strong>
                  Preview: {plural(preview.createFiles, 'new file')}, {preview.overwriteFiles} replaced, {preview.skipFiles} kept{preview.keepBothFiles > 0 ? `, ${preview.keepBothFiles} restored beside yours` : ''} · {formatBytes(preview.bytes)}
                </strong>
              )}
              <div className="muted small mono">into {preview.restoredTo}</div>
              <ul className="preview-list">
                {preview.items.slice(0, 40).map((i) => (
                  <li key={i.path}>
                    <span className={`badge ${i.action === 'create' || i.action === 'keep-both' ? 'tone-ok' : i.action === 'overwrite' ? 'tone-warn' : ''}`}>{i.action === 'create' ? 'new' : i.action === 'overwrite' ? 'replace' : i.action === 'keep-both' ? 'beside yours' : 'keep'}</span> {i.path} <span className="muted small">{formatBytes(i.size)}</span>
                  </li>
                ))}
                {/* The preview names a few hundred files; the counts above are of all of them. */}
                {restoreFileCount(preview) > Math.min(40, preview.items.length) && <li className="muted small">… and {restoreFileCount(preview) - Math.min(40, preview.items.length)} more</li>}
              </ul>
            </div>
          )}
          {busy === 'restore' && (
            <div className="progress" data-testid="restore-progress">
              <div className="progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress?.percent ?? 0} aria-label="Restore progress">
                <div className="progress-fill" style={{ width: `${progress?.percent ?? 0}%` }} />
              </div>
              <div className="progress-line">
                <strong>{progress?.phase === 'verifying' ? 'Verifying…' : progress?.phase === 'copying' ? `${progress.percent} %` : 'Preparing…'}</strong>
                {progress && progress.bytes > 0 && <span>{formatBytes(progress.bytes)}</span>}
                {restoreId && (
                  <button type="button" className="button small" onClick={() => void call('ops:cancel', { id: restoreId })}>
                    <Icon name="stop" size={12} /> Stop
                  </button>
                )}
              </div>
            </div>
          )}
          {result && (
            <div className={`result ${result.verified ? 'tone-ok' : 'tone-bad'}`} data-testid="restore-result" role="status">
              {result.verified ? (
                <>
                  <Icon name="check" /> <strong>Restored and verified</strong> — {plural(result.createFiles + result.overwriteFiles + result.keepBothFiles, 'file')} in <span className="mono">{result.restoredTo}</span>, all {plural(result.checked, 'entry', 'entries')} as the restore point recorded them
                  {result.keptExisting.length > 0 && <span className="muted"> ({plural(result.keptExisting.length, 'existing file')} kept as they were)</span>}
                </>
              ) : (
                <>
                  <Icon name="warn" />{' '}
                  {result.missing.length > 0 && (
                    <strong>
                      Incomplete: {plural(result.missing.length, 'entry', 'entries')} of this version could not be restored
                    </strong>
                  )}
                  {result.missing.length > 0 && result.mismatches.length > 0 && ' · '}
                  {result.mismatches.length > 0 && <strong>{plural(result.mismatches.length, 'entry', 'entries')} differ from what the restore point recorded</strong>}
                  <ul className="preview-list small">
                    {[...result.missing, ...result.mismatches].slice(0, 8).map((m) => (
                      <li key={m} className="mono">
                        {m}
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          <div className="actions">
            <button type="button" className="button" disabled={!to || busy !== null} onClick={() => run(true)}>
              {busy === 'preview' ? 'Checking…' : 'Preview'}
            </button>
            <button type="button" className="button primary" disabled={!to || busy !== null} onClick={() => run(false)}>
              {busy === 'restore' ? 'Restoring…' : 'Restore'}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** The restore page. */
export function Restore() {
  const { jobs, loaded, call, go } = useUi();
  const restorable = jobs.filter((j) => j.job.destinations.some((d) => d.kind !== 'copy'));
  // The Browser's "Open in Restore": taken once when the page opens, then cleared from the store.
  const [focus] = useState(() => useUi.getState().restoreFocus);
  useEffect(() => {
    if (focus) useUi.setState({ restoreFocus: null });
  }, [focus]);
  // Waits for the index of its destination, then selects the item; `opened` keeps it for the versions.
  const [pending, setPending] = useState(focus);
  const [opened, setOpened] = useState<RestoreFocus | null>(null);
  const [jobId, setJobId] = useState<string | null>(focus?.jobId ?? null);
  // The destination to browse; undefined: the one with the newest restore point.
  const [from, setFrom] = useState<string | undefined>(focus?.destId);
  const status = restorable.find((j) => j.job.id === jobId) ?? restorable[0];
  const job = status?.job;
  const [browse, setBrowse] = useState<RestoreBrowse | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [sourceIndex, setSourceIndex] = useState(0);
  const [artistPath, setArtistPath] = useState<string | null>(null);
  const [item, setItem] = useState<Item | null>(null);
  // The last run's id and end: a run that has only started has no restore point yet, so read again when it ends.
  const lastRun = status?.lastRun ? `${status.lastRun.id}:${status.lastRun.endedAt ?? 'running'}` : null;

  useEffect(() => {
    if (!job) return;
    let live = true;
    setError(null);
    // Only a destination of this job (the one asked for may have been removed meanwhile).
    const dest = job.destinations.some((d) => d.id === from) ? from : undefined;
    void call('restore:browse', { name: job.name, at: 'latest', ...(dest ? { from: dest } : {}) }).then((r) => {
      if (!live) return;
      if (r.ok) setBrowse(r.value);
      else {
        setBrowse(null);
        setError(r.error);
      }
    });
    return () => {
      live = false;
    };
    // A finished run may add restore points: read again.
  }, [call, job?.name, from, lastRun]);

  useEffect(() => {
    if (!pending || !browse || browse.destId !== pending.destId) return;
    setPending(null);
    setOpened(pending);
    const path = pending.itemPath;
    if (!path) return;
    const spot = findInPicker(browse.sources, path);
    if (spot.sourceIndex >= 0) setSourceIndex(spot.sourceIndex);
    setArtistPath(spot.artistPath);
    const parts = path.split('/');
    if (spot.level === 'album' && spot.album) setItem({ path, name: spot.album.name, subtitle: parts[1]!, album: spot.album });
    // Below an album, or not in the newest point's index: its versions are still found by path.
    else if (spot.level === 'deeper') {
      const inSource = browse.sources[spot.sourceIndex];
      const artistFile = inSource?.artists.find((a) => a.path === spot.artistPath)?.loose?.named.some((f) => f.path === path);
      // Or a file right inside the source folder.
      const sourceFile = parts.length === 2 && inSource?.loose?.named.some((f) => f.path === path);
      const music = inSource?.layout === 'music';
      const file = artistFile ? { icon: fileIcon(path, music), back: parts[1]! } : sourceFile ? { icon: fileIcon(path, music), back: parts[0]! } : undefined;
      setItem({ path, name: parts.at(-1)!, subtitle: parts.slice(0, -1).join(' / '), ...(file && { file }) });
    }
  }, [pending, browse]);

  if (loaded && restorable.length === 0) {
    return (
      <div className="empty">
        <div className="empty-art">
          <Icon name="restore" size={44} />
        </div>
        <h2>Nothing to restore from yet</h2>
        <p>Back up to snapshots in a local or NAS folder, or to a versioned mirror, and every run becomes a restore point.</p>
        <button className="button primary" onClick={() => go('jobs')}>
          Set up a backup with restore points
        </button>
      </div>
    );
  }

  // A job whose first backup has not written a restore point yet: say what happens next, calmly.
  if (job && !browse && error?.kind === 'not-found') {
    const backUp = async () => {
      const r = await call('runs:start', { name: job.name, dryRun: false, trigger: 'manual' });
      if (!r.ok) useUi.setState({ toast: r.error });
    };
    return (
      <div className="empty" data-testid="no-restore-points">
        <div className="empty-art">
          <Icon name="restore" size={44} />
        </div>
        <h2>No restore points for {job.name} yet</h2>
        <p>Each successful backup to a snapshot folder or a versioned mirror becomes a restore point you can pick albums from.</p>
        <button className="button primary" onClick={backUp}>
          Back up now
        </button>
      </div>
    );
  }
  if (!job) return <p className="muted">Loading…</p>;
  const source = browse?.sources[sourceIndex] ?? browse?.sources[0];
  const music = source?.layout === 'music';
  const artist = source?.artists.find((a) => a.path === artistPath) ?? null;
  // The files right inside the source folder, beside its artists (a playlist, a loose download).
  const sourceFiles = source?.loose ? <LooseFiles loose={source.loose} where={source.source} music={music} heading={`Files in ${source.source}`} subtitle={`${source.source} · a file in the folder`} more={`“Restore the whole ${source.source} folder”`} onPick={setItem} /> : null;

  return (
    <div className="stack">
      <div className="restore-bar">
        {restorable.length > 1 && (
          <label className="field inline">
            <span>Job</span>
            <select data-testid="restore-job" value={job.id} onChange={(e) => { setJobId(e.target.value); setFrom(undefined); setPending(null); setArtistPath(null); setItem(null); }}>
              {restorable.map((j) => (
                <option key={j.job.id} value={j.job.id}>
                  {j.job.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {browse && browse.sources.length > 1 && (
          <label className="field inline">
            <span>Folder</span>
            <select value={sourceIndex} onChange={(e) => { setSourceIndex(Number(e.target.value)); setArtistPath(null); setItem(null); }}>
              {browse.sources.map((s, i) => (
                <option key={s.source} value={i}>
                  {s.source}
                </option>
              ))}
            </select>
          </label>
        )}
        {source && (
          <button className="button small" onClick={() => setItem({ path: source.source, name: source.source, subtitle: 'the whole folder, everything in it' })}>
            Restore the whole {source.source} folder
          </button>
        )}
        {browse && (
          <span className="muted small">
            Browsing the newest restore point (<When ms={pointMs(browse.pointId)} style="short" />) of {browse.target}; older versions are listed per album.
          </span>
        )}
      </div>
      {error && <RestoreError error={error} />}
      {!browse && !error && <p className="muted">Reading the backup…</p>}
      {source && item && <RestorePanel key={item.path} job={job} item={item} browse={browse!} onBack={() => setItem(null)} start={opened?.itemPath === item.path ? opened : undefined} />}
      {source && !item && source.artists.length === 0 && (
        <div className="stack">
          <div className="empty slim" data-testid="no-folders">
            <h2>No folders in {source.source}</h2>
            <p>{source.loose ? `It holds files only: pick one below, or “Restore the whole ${source.source} folder” brings them all back, each checked against the restore point.` : `The restore point holds nothing in ${source.source}.`}</p>
          </div>
          {sourceFiles}
        </div>
      )}
      {source && !item && source.artists.length > 0 && (
        <div className="restore-grid">
          <ArtistList artists={source.artists} selected={artistPath} onSelect={(a) => setArtistPath(a.path)} label={music ? 'Artists' : 'Folders'} music={music} />
          <div>
            {!artist && (
              <div className="stack">
                <div className="empty slim">
                  <h2>{music ? 'Pick an artist' : 'Pick a folder'}</h2>
                  <p>{music ? 'Then the album you want back. Every version of it, from every backup, is one click away.' : 'Then the folder inside it you want back.'}</p>
                </div>
                {sourceFiles}
              </div>
            )}
            {artist && (
              <div className="stack">
                <div className="card-head">
                  <h2 className="artist-title">{artist.name}</h2>
                  <button className="button small" onClick={() => setItem({ path: artist.path, name: artist.name, subtitle: everythingOf(artist, music) })}>
                    Restore all of {artist.name}
                  </button>
                </div>
                {artist.albums.length > 0 && (
                <div className="albums">
                  {artist.albums.map((al) => (
                    <button key={al.path} className="album" data-testid="album-card" onClick={() => setItem({ path: al.path, name: al.name, subtitle: artist.name, album: al })}>
                      <Cover job={job.name} browse={browse!} path={al.cover} size={150} />
                      <strong className="album-name">{al.name}</strong>
                      <span className="muted small">
                        {music ? plural(al.tracks, 'track') : 'folder'} · {formatBytes(al.bytes)}
                      </span>
                    </button>
                  ))}
                </div>
                )}
                {artist.loose && <LooseFiles loose={artist.loose} where={artist.name} music={music} heading={music ? 'Not in an album' : 'Files in this folder'} subtitle={`${artist.name} · ${music ? 'not in an album' : 'a file in the folder'}`} more={`“Restore all of ${artist.name}”`} onPick={setItem} />}
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

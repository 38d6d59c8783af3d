// The window: a sidebar of pages and a header that always shows the same state as the tray.
import type { ReactElement } from 'react';
import { Icon } from './components/icons';
import type { HeaderAction, PauseChoiceId, TrayIcon } from '../../shared/tray-state';
import type { AppError } from '../../shared/result';
import { Dashboard } from './pages/dashboard';
import { History } from './pages/history';
import { Jobs } from './pages/jobs';
import { Restore } from './pages/restore';
import { Browser } from './pages/browser';
import { Mounts } from './pages/mounts';
import { Remotes } from './pages/remotes';
import { Settings } from './pages/settings';
import { type Page, enableNotifications, useUi } from './store';

const pages: readonly { id: Page; label: string; icon: Parameters<typeof Icon>[0]['name']; view: () => ReactElement }[] = [
  { id: 'dashboard', label: 'Dashboard', icon: 'dashboard', view: Dashboard },
  { id: 'restore', label: 'Restore', icon: 'restore', view: Restore },
  { id: 'jobs', label: 'Jobs', icon: 'jobs', view: Jobs },
  { id: 'remotes', label: 'Remotes', icon: 'cloud', view: Remotes },
  { id: 'browser', label: 'Browser', icon: 'folder', view: Browser },
  { id: 'mounts', label: 'Mounts', icon: 'disk', view: Mounts },
  { id: 'history', label: 'History', icon: 'history', view: History },
  { id: 'settings', label: 'Settings', icon: 'settings', view: Settings },
];

// The tray's icon states in the header's colours.
const toneOf: Record<TrayIcon, string> = { 'idle-ok': 'ok', running: 'busy', warning: 'warn', error: 'bad' };

function Header() {
  const { tray, jobs, call, connection, lostSince, openRun, notifyPermission } = useUi();
  const header = tray?.header;
  const act = async (action: HeaderAction) => {
    let r: { ok: boolean; error?: AppError } = { ok: true };
    if (action.type === 'retry') {
      const job = jobs.find((j) => j.job.id === action.jobId)?.job;
      if (job) r = await call('runs:start', { name: job.name, dryRun: false, trigger: 'manual' });
    } else if (action.type === 'open-run') openRun(action.runId);
    else if (action.type === 'resume') r = await call('scheduler:resume', {});
    if (!r.ok && r.error) useUi.setState({ toast: r.error });
  };
  const pause = async (choice: PauseChoiceId | '') => {
    if (!choice) return;
    const r = await call('scheduler:pause', { choice });
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  // A job without any backup yet: a grey dot, not a green one that would promise a backup exists.
  const neverRun = tray?.icon === 'idle-ok' && tray.jobs.some((j) => j.health === 'never-run' && !j.running);
  // The server gone quiet must not look like "All backups OK": what we last heard is not news.
  const lost = lostSince !== null;
  const tone = lost ? 'bad' : !tray || neverRun || tray.jobs.length === 0 ? 'muted' : toneOf[tray.icon];
  const text = lost ? 'Reprise is not answering — has reprise serve stopped?' : connection === 'unauthorized' ? 'Not connected' : (header?.text ?? 'Connecting…');
  return (
    <header className="topbar">
      <div className={`state tone-${tone}`} data-testid="header-state" data-icon={lost ? 'lost' : (tray?.icon ?? '')} role="status" title={lost ? undefined : tray?.tooltip}>
        <span className="dot" aria-hidden="true" />
        <span>{text}</span>
        {!lost && header?.action && (
          <button className="button small" data-testid="header-action" onClick={() => void act(header.action!)}>
            {header.action.label}
          </button>
        )}
      </div>
      <div className="topbar-tools">
        {header?.paused && (
          <span className="badge tone-warn" data-testid="paused">
            {header.paused}
          </span>
        )}
        {notifyPermission === 'default' && !window.bridge && !lost && (
          <button className="button ghost small" onClick={() => void enableNotifications()}>
            Turn on notifications
          </button>
        )}
        {notifyPermission === 'denied' && !window.bridge && (
          <span className="muted small" data-testid="notifications-blocked" title="This browser blocks notifications from this page: allow them in the browser's site settings (the icon left of the address), then reload.">
            Notifications blocked by the browser
          </span>
        )}
        {!lost && tray && tray.jobs.length > 0 && !header?.paused && (
          <select className="pause-select" aria-label="Pause schedules" value="" onChange={(e) => void pause(e.target.value as PauseChoiceId | '')}>
            <option value="">Pause schedules…</option>
            <option value="one-hour">For 1 hour</option>
            <option value="until-tomorrow">Until tomorrow</option>
            <option value="until-resumed">Until I resume</option>
          </select>
        )}
      </div>
      {connection === 'unauthorized' && (
        <div className="conn" role="alert" data-testid="connection">
          This page needs the link printed by "reprise serve" (it carries a token).
        </div>
      )}
      {lost && (
        <div className="conn" role="alert" data-testid="connection">
          Connecting to Reprise… Start it again with <code>reprise serve</code> (or open the Reprise app); this page reconnects by itself.
        </div>
      )}
    </header>
  );
}

function Toast() {
  const { toast, dismissToast } = useUi();
  if (!toast) return null;
  return (
    <div className="toast" role="alert">
      <div>
        <strong>{toast.message}</strong>
        {toast.hint && <div>{toast.hint}</div>}
      </div>
      <button className="button ghost" aria-label="Dismiss" onClick={dismissToast}>
        <Icon name="cross" size={14} />
      </button>
    </div>
  );
}

/** Where the desktop shows no tray icon, this window is the way in and out: say so, offer Quit. */
function NoTrayNotice() {
  const { info, call } = useUi();
  if (!info?.desktop || info.desktop.trayAvailable) return null;
  const quit = async () => {
    const r = await call('app:quit', {});
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  return (
    <div className="notice" role="note" data-testid="no-tray">
      <span>
        Your desktop shows no tray icons, so Reprise lives in this window. Closing it keeps your backups running in the background; start Reprise again to come back.
      </span>
      <button className="button small" data-testid="quit" onClick={() => void quit()}>
        Quit Reprise
      </button>
    </div>
  );
}

/** The whole window. */
export function App() {
  const { page, go, info } = useUi();
  const current = pages.find((p) => p.id === page) ?? pages[0]!;
  const View = current.view;
  const problems = info?.tools.filter((t) => !t.ok) ?? [];
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to the page
      </a>
      <nav className="sidebar" aria-label="Pages">
        <div className="brand">
          <img src="./icon.svg" alt="" width={28} height={28} />
          <span>Reprise</span>
        </div>
        {pages.map((p) => (
          <button key={p.id} className={`nav ${p.id === page ? 'active' : ''}`} aria-current={p.id === page ? 'page' : undefined} onClick={() => go(p.id)}>
            <Icon name={p.icon} /> {p.label}
          </button>
        ))}
        <div className="sidebar-foot muted small">{info ? `v${info.version}` : ''}</div>
      </nav>
      <main className="main">
        <Header />
        <NoTrayNotice />
        <div className="content" id="content" tabIndex={-1}>
          <h1 className="page-title">{current.label}</h1>
          {problems.map((t) => (
            <div className="error-box" role="alert" key={t.name}>
              <strong>{t.problem}</strong>
            </div>
          ))}
          <View />
        </div>
      </main>
      <Toast />
    </div>
  );
}

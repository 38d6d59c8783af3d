// The window: a sidebar of pages and a header that always shows the same state as the tray.
import type { ReactElement } from 'react';
import { Icon } from './components/icons';
import { headerState } from '../../shared/status-line';
import { Dashboard } from './pages/dashboard';
import { History } from './pages/history';
import { Jobs } from './pages/jobs';
import { type Page, useUi } from './store';

const pages: readonly { id: Page; label: string; icon: Parameters<typeof Icon>[0]['name']; view: () => ReactElement }[] = [
  { id: 'dashboard', label: 'Dashboard', icon: 'dashboard', view: Dashboard },
  { id: 'jobs', label: 'Jobs', icon: 'jobs', view: Jobs },
  { id: 'history', label: 'History', icon: 'history', view: History },
];

function Header() {
  const { jobs, live, now, call, connection } = useUi();
  const state = headerState(jobs, live, now);
  const retry = async () => {
    if (!state.retryJob) return;
    const r = await call('runs:start', { name: state.retryJob, dryRun: false, trigger: 'manual' });
    if (!r.ok) useUi.setState({ toast: r.error });
  };
  return (
    <header className="topbar">
      <div className={`state tone-${state.tone}`} data-testid="header-state" role="status">
        <span className="dot" aria-hidden="true" />
        {state.text}
        {state.retryJob && state.tone === 'bad' && (
          <button className="button small" onClick={retry}>
            Retry
          </button>
        )}
      </div>
      {connection !== 'open' && (
        <div className="conn" role="alert">
          {connection === 'unauthorized' ? 'This page needs the link printed by "reprise serve" (it carries a token).' : 'Connecting to Reprise…'}
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

/** The whole window. */
export function App() {
  const { page, go, info } = useUi();
  const current = pages.find((p) => p.id === page) ?? pages[0]!;
  const View = current.view;
  const problems = info?.tools.filter((t) => !t.ok) ?? [];
  return (
    <div className="shell">
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
        <div className="content">
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

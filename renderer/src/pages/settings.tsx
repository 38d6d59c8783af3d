// Settings: what applies to every job — how many backups run at once, notifications, the rclone
// config file in use, the tools found, and where Reprise keeps its data.
import { useEffect, useState } from 'react';
import { MAX_CONCURRENCY } from '../../../shared/contract/scheduler';
import type { RcloneConfigState } from '../../../shared/remotes/types';
import { AlertSettingsCard } from '../components/alert-settings';
import { useUi } from '../store';

const configSource: Record<RcloneConfigState['source'], string> = {
  default: "rclone's default file",
  settings: 'chosen on the Remotes page',
  override: 'set by --rclone-config or RCLONE_CONFIG',
};

function ConcurrencyCard() {
  const { scheduler, call } = useUi();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!scheduler) return null;
  const change = async (value: number) => {
    const r = await call('scheduler:set-concurrency', { concurrency: value });
    setMessage(r.ok ? { ok: true, text: 'Saved.' } : { ok: false, text: r.error.message });
  };
  const waiting = scheduler.queued.length;
  return (
    <section className="card form" aria-label="Backups at once">
      <h2>Backups at once</h2>
      <label className="field inline">
        <span>Run up to</span>
        <select data-testid="concurrency" value={scheduler.concurrency} onChange={(e) => void change(Number(e.target.value))}>
          {Array.from({ length: MAX_CONCURRENCY }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <span>{scheduler.concurrency === 1 ? 'backup at a time' : 'backups at the same time'}</span>
      </label>
      <p className="help">
        Others wait their turn. One at a time is kindest to a slow disk or a thin upload; a job never runs twice at once either way.
        {waiting > 0 && ` ${waiting} waiting now.`}
      </p>
      {message && (
        <div className={message.ok ? 'muted small' : 'error-box'} role="status">
          {message.text}
        </div>
      )}
    </section>
  );
}

function ToolsCard() {
  const { info, call, go } = useUi();
  const [config, setConfig] = useState<RcloneConfigState | null>(null);
  useEffect(() => {
    void call('remotes:config', {}).then((r) => r.ok && setConfig(r.value));
  }, [call]);
  if (!info) return null;
  return (
    <section className="card form" aria-label="rclone and rsync">
      <h2>rclone and rsync</h2>
      <dl className="facts">
        {info.tools.map((t) => (
          <div key={t.name}>
            <dt>{t.name}</dt>
            <dd data-testid={`tool-${t.name}`} className={t.ok ? '' : 'tone-bad'}>
              {t.ok ? `version ${t.version ?? '?'} · ${/[\\/]/.test(t.path) ? t.path : 'found on the PATH'}` : t.problem}
            </dd>
          </div>
        ))}
        {config && (
          <div>
            <dt>rclone config</dt>
            <dd data-testid="rclone-config">
              {config.path} <span className="muted">({configSource[config.source]}{config.encrypted ? ', encrypted' : ''})</span>{' '}
              <button className="button ghost small" onClick={() => go('remotes')}>
                Change…
              </button>
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}

/** The desktop app's own settings: start at login (the same switch as in the tray menu). */
function DesktopCard() {
  const { info, tray, call } = useUi();
  const [error, setError] = useState<string | null>(null);
  if (!info?.desktop || !tray || tray.startAtLogin === null) return null;
  const change = async (enabled: boolean) => {
    const r = await call('app:set-start-at-login', { enabled });
    setError(r.ok ? null : r.error.message);
  };
  return (
    <section className="card form" aria-label="Desktop app">
      <h2>Desktop app</h2>
      <label className="check">
        <input type="checkbox" data-testid="start-at-login" checked={tray.startAtLogin} onChange={(e) => void change(e.target.checked)} />
        <span>Start Reprise when I log in</span>
      </label>
      <p className="help">
        {info.desktop.trayAvailable
          ? 'Reprise starts in the tray, without opening this window, so scheduled backups run from the moment you log in.'
          : 'Reprise starts with this window open: your desktop shows no tray icons.'}
      </p>
      {error && (
        <div className="error-box" role="alert">
          {error}
        </div>
      )}
    </section>
  );
}

function AboutCard() {
  const { info } = useUi();
  if (!info) return null;
  return (
    <section className="card form" aria-label="About Reprise">
      <h2>About</h2>
      <dl className="facts">
        <div>
          <dt>Version</dt>
          <dd>{info.version}</dd>
        </div>
        <div>
          <dt>Data folder</dt>
          <dd data-testid="data-dir">{info.dataDir}</dd>
        </div>
        <div>
          <dt>Running as</dt>
          <dd>{info.host === 'electron' ? 'the desktop app' : 'reprise serve (in this browser)'}</dd>
        </div>
      </dl>
      <p className="help">The data folder holds settings, the history of runs and their logs. Backups themselves live only at their destinations.</p>
    </section>
  );
}

/** The Settings page. */
export function Settings() {
  return (
    <div className="stack">
      <ConcurrencyCard />
      <DesktopCard />
      <AlertSettingsCard />
      <ToolsCard />
      <AboutCard />
    </div>
  );
}

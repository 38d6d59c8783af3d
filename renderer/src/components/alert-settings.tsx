// Where problems reach the user besides this window: success notifications (opt-in) and a
// webhook (a JSON POST per notification, for headless machines: ntfy, a chat webhook …).
import { type FormEvent, useEffect, useState } from 'react';
import type { AppError } from '../../../shared/result';
import { useUi } from '../store';

/** The notifications card. */
export function AlertSettingsCard() {
  const { call, notifyPermission } = useUi();
  const [loaded, setLoaded] = useState(false);
  const [notifyOnSuccess, setNotifyOnSuccess] = useState(false);
  const [webhook, setWebhook] = useState('');
  const [saved, setSaved] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string; hint?: string } | null>(null);
  useEffect(() => {
    void call('alerts:get', {}).then((r) => {
      if (!r.ok) return;
      setNotifyOnSuccess(r.value.notifyOnSuccess);
      setWebhook(r.value.webhookUrl ?? '');
      setSaved(r.value.webhookUrl ?? '');
      setLoaded(true);
    });
  }, [call]);
  const fail = (e: AppError) => setMessage({ ok: false, text: e.message, ...(e.hint ? { hint: e.hint } : {}) });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = await call('alerts:set', { notifyOnSuccess, webhookUrl: webhook.trim() || null });
    if (r.ok) {
      setSaved(r.value.webhookUrl ?? '');
      setMessage({ ok: true, text: 'Saved.' });
    }
    else fail(r.error);
  };
  const test = async () => {
    // The address as typed: testing it before saving is the point of a test.
    const r = await call('alerts:test', { webhookUrl: webhook.trim() });
    if (r.ok) setMessage({ ok: true, text: `The webhook answered (HTTP ${r.value.status}).${webhook.trim() !== saved ? ' Save to use this address.' : ''}` });
    else fail(r.error);
  };
  if (!loaded) return null;
  return (
    <form className="card form" onSubmit={save} aria-label="Notifications" data-testid="alert-settings">
      <h2>Notifications</h2>
      <p className="help">Failures, partial backups, missing drives and jobs without a good backup for their number of days always notify.</p>
      <label className="check">
        <input type="checkbox" checked={notifyOnSuccess} onChange={(e) => setNotifyOnSuccess(e.target.checked)} />
        <span>Also tell me when a backup succeeds</span>
      </label>
      <label className="field">
        <span>Webhook (optional)</span>
        <input data-testid="alert-webhook" value={webhook} onChange={(e) => setWebhook(e.target.value)} placeholder="https://ntfy.sh/my-backups" spellCheck={false} />
      </label>
      <p className="help">Every notification is also sent there as JSON — useful when Reprise runs on a server without a screen.</p>
      {notifyPermission === 'denied' && !window.bridge && (
        <p className="help note" data-testid="notifications-denied">
          This browser blocks notifications from this page, so failures reach you here and by webhook only. To allow them, use the site settings (the icon left of the address), then reload.
        </p>
      )}
      {message && (
        <div className={message.ok ? 'muted small' : 'error-box'} role="status">
          {message.text}
          {message.hint && <div>{message.hint}</div>}
        </div>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={() => void test()} disabled={!webhook.trim()}>
          Send a test
        </button>
        <button type="submit" className="button primary">
          Save
        </button>
      </div>
    </form>
  );
}

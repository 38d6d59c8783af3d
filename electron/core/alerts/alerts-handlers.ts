// The contract's alerts:* commands: the alert settings, and a test message to the webhook.
import { type AlertSettings, type AppNotification, DEFAULT_ALERT_SETTINGS } from '../../../shared/alerts.js';
import type { Handlers } from '../../../shared/contract.js';
import { fail, ok } from '../../../shared/result.js';
import { type SettingsStore, updateSettings } from '../settings/settings.js';
import { sendWebhook } from './webhook.js';

type AlertsHandlers = Pick<Handlers, 'alerts:get' | 'alerts:set' | 'alerts:test'>;

export interface AlertsHandlerDeps {
  readonly settings: SettingsStore;
  /** The alert settings in force (the scheduler's view of settings.alerts). */
  readonly current: () => AlertSettings;
  readonly now: () => number;
}

/** The notification a webhook test sends: plainly a test, so nobody mistakes it for a failure. */
export function testNotification(atMs: number): AppNotification {
  return {
    key: 'test',
    kind: 'success',
    severity: 'info',
    jobId: 'test',
    jobName: 'Reprise',
    runId: null,
    destination: null,
    firstError: null,
    title: 'Reprise test notification',
    body: 'If you can read this, Reprise can reach you here.',
    atMs,
  };
}

/** The alerts:* handlers. */
export function alertsHandlers(d: AlertsHandlerDeps): AlertsHandlers {
  return {
    'alerts:get': async () => ok(d.current()),
    'alerts:set': async (req) => {
      const next: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, ...req };
      updateSettings(d.settings, (s) => ({ ...s, alerts: next }));
      return ok(next);
    },
    'alerts:test': async (req) => {
      const url = req.webhookUrl ?? d.current().webhookUrl;
      if (!url) return fail('invalid-request', 'No webhook address is set.', { hint: 'Enter one first.' });
      const r = await sendWebhook(url, testNotification(d.now()));
      return r.ok ? ok({ status: r.status }) : fail('exit-code', r.error.message, { hint: 'Check the address, and that this machine can reach it.' });
    },
  };
}

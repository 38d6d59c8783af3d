// OS notifications: what the core raises (failures, partial runs, missing destinations, stale
// backups) and what went wrong with something asked from the tray. Clicking one opens its run
// through the contract (app:open), like any other way into the window.
import { Notification } from 'electron';
import type { AppNotification } from '../../shared/alerts.js';
import type { Bridge } from '../../shared/contract.js';
import type { OpenView } from '../../shared/contract/app.js';
import type { AppError } from '../../shared/result.js';

export interface Notifier {
  /** Says that something the user asked for did not happen (the tray has no other way to say it). */
  failure(title: string, error: AppError): void;
  /** A calm notice (no error): opens the window when clicked. */
  notice(title: string, body: string): void;
  dispose(): void;
}

/** Shows the core's notifications and offers failure() to the tray. */
export function notifier(client: Bridge, icon: string | undefined): Notifier {
  // A notification that is only referenced by the OS can be collected before its click arrives
  // (https://github.com/electron/electron/issues/16922): keep the recent ones.
  const live = new Set<Notification>();
  const show = (title: string, body: string, critical: boolean, to: OpenView) => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title, body, urgency: critical ? 'critical' : 'normal', ...(icon ? { icon } : {}) });
    live.add(note);
    if (live.size > 20) live.delete(live.values().next().value!);
    note.on('click', () => {
      live.delete(note);
      void client.invoke('app:open', to);
    });
    note.on('close', () => live.delete(note));
    note.show();
  };
  const off = client.on('notifications:raised', (n: AppNotification) =>
    show(n.title, n.body, n.severity === 'error', n.runId !== null ? { view: 'run', runId: n.runId } : { view: 'dashboard' }),
  );
  return {
    failure: (title, error) => show(title, [error.message, error.hint].filter(Boolean).join(' '), true, { view: 'dashboard' }),
    notice: (title, body) => show(title, body, false, { view: 'dashboard' }),
    dispose() {
      off();
      live.clear();
    },
  };
}

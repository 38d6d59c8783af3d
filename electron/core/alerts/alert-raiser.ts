// Raising a notification: to every window and the tray (an event) and to the webhook when one is
// set; and the daily look for jobs whose last good backup is too old (each said once, remembered
// in alerts-state.json across restarts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { AlertSettings, AppNotification } from '../../../shared/alerts.js';
import type { Job } from '../../../shared/model.js';
import type { EventBus } from '../events.js';
import type { History } from '../history/history.js';
import { staleBackupNotifications } from './notification-policy.js';
import { sendWebhook } from './webhook.js';

/** alerts-state.json: job id → when it was last alerted as stale (ms). */
const alertedSchema = z.record(z.string(), z.number());

/** How many recent runs of a job are looked through for its last good one. */
const RECENT_PER_JOB = 30;

export interface AlertRaiserOptions {
  readonly dataDir: string;
  readonly events: EventBus;
  readonly history: History;
  readonly jobs: () => readonly Job[];
  readonly now: () => number;
  readonly alertSettings: () => AlertSettings;
  readonly log: (line: string) => void;
  /** After how many days without a good backup a job counts as stale (null: never). */
  readonly staleDays: (job: Job) => number | null;
}

/** raise() for one notification, checkStale() for the stale-backup look. */
export function alertRaiser(o: AlertRaiserOptions): { raise(n: AppNotification): void; checkStale(): void } {
  const alertFile = join(o.dataDir, 'alerts-state.json');
  // When each job was last alerted as stale; a missing or damaged file means "never".
  const readAlerted = (): Record<string, number> => {
    try {
      return alertedSchema.parse(JSON.parse(readFileSync(alertFile, 'utf8')));
    } catch {
      return {};
    }
  };
  function raise(n: AppNotification): void {
    o.events.emit('notifications:raised', n);
    const url = o.alertSettings().webhookUrl;
    if (url) {
      void sendWebhook(url, n).then((r) => {
        if (!r.ok) o.log(r.error.message);
      });
    }
  }
  function checkStale(): void {
    const check = staleBackupNotifications(
      o.now(),
      o.jobs().map((j) => {
        const good = o.history.list(j.id, RECENT_PER_JOB).find((r) => r.outcome === 'success' && !r.dryRun);
        return { id: j.id, name: j.name, createdAt: Date.parse(j.createdAt), staleAfterDays: o.staleDays(j), lastSuccessAt: good ? (good.endedAt ?? good.startedAt) : null };
      }),
      readAlerted(),
    );
    if (check.notifications.length > 0) writeFileSync(alertFile, JSON.stringify(check.alerted));
    for (const n of check.notifications) raise(n);
  }
  return { raise, checkStale };
}

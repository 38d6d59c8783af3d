// Which run outcomes reach the user as a notification, and in which words. Pure: the hosts only
// deliver what this returns (OS notification, Web Notification, webhook). Every notification
// names the job, the destination and the first error, and carries the run to open.
import type { AppNotification } from '../../../shared/alerts.js';

export type NotifyOutcome = 'running' | 'success' | 'partial' | 'failed' | 'cancelled' | 'interrupted' | 'skipped';

export interface NotifyDestination {
  readonly target: string;
  readonly outcome: NotifyOutcome;
  readonly firstError: string | null;
}

export interface NotifyRun {
  readonly id: number;
  readonly jobId: string;
  readonly jobName: string;
  readonly outcome: NotifyOutcome;
  readonly endedAt: number;
  readonly firstError: string | null;
  readonly dryRun?: boolean;
  readonly destinations: readonly NotifyDestination[];
}

export interface NotifyPrefs {
  /** Successes are quiet unless asked for. */
  readonly notifyOnSuccess: boolean;
}

export type { AppNotification, NotificationKind } from '../../../shared/alerts.js';

export const DEFAULT_NOTIFY_PREFS: NotifyPrefs = { notifyOnSuccess: false };

// Long rclone errors make unreadable notifications; the full text is one click away in the run.
function short(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The notifications one finished run raises under the user's preferences (often none). */
export function notificationsForRun(run: NotifyRun, prefs: NotifyPrefs = DEFAULT_NOTIFY_PREFS): AppNotification[] {
  if (run.dryRun || run.outcome === 'running' || run.outcome === 'cancelled') return [];
  const out: AppNotification[] = [];
  const base = { jobId: run.jobId, jobName: run.jobName, runId: run.id, atMs: run.endedAt };

  // A drive that is not plugged in gets its own alert: the fix (plug it in) differs from a failure's.
  for (const d of run.destinations.filter((x) => x.outcome === 'skipped')) {
    out.push({
      ...base,
      key: `missing:${run.jobId}:${d.target}`,
      kind: 'destination-missing',
      severity: 'warning',
      destination: d.target,
      firstError: d.firstError,
      title: `${run.jobName}: destination missing`,
      body: `${d.target} was not available, so it was skipped${d.firstError ? ` — ${short(d.firstError)}` : ''}. Connect it and run the backup again.`,
    });
  }

  const failed = run.destinations.filter((x) => x.outcome === 'failed');
  const first = failed[0];
  const firstError = first?.firstError ?? run.firstError;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more destination${failed.length > 2 ? 's' : ''})` : '';
  switch (run.outcome) {
    case 'failed':
      out.push({
        ...base,
        key: `run:${run.jobId}`,
        kind: 'failed',
        severity: 'error',
        destination: first?.target ?? null,
        firstError,
        title: `${run.jobName} backup failed`,
        body: `${first ? `${first.target}${more}: ` : ''}${firstError ? short(firstError) : 'the backup did not complete'}`,
      });
      break;
    case 'partial':
      // A partial run made only of skipped destinations is already said by the alert above.
      if (first) {
        out.push({
          ...base,
          key: `run:${run.jobId}`,
          kind: 'partial',
          severity: 'warning',
          destination: first.target,
          firstError,
          title: `${run.jobName} partly backed up`,
          body: `${first.target}${more} failed: ${firstError ? short(firstError) : 'see the run for details'}. The other destinations are up to date.`,
        });
      }
      break;
    case 'success':
      if (prefs.notifyOnSuccess) {
        out.push({ ...base, key: `run:${run.jobId}`, kind: 'success', severity: 'info', destination: null, firstError: null, title: `${run.jobName} backed up`, body: `All ${run.destinations.length} destination${run.destinations.length === 1 ? '' : 's'} up to date.` });
      }
      break;
    case 'interrupted':
    case 'skipped':
      break;
    default: {
      const never: never = run.outcome;
      throw new Error(`Unknown outcome ${String(never)}`);
    }
  }
  return out;
}

export interface StaleJob {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** N of "no successful backup for N days"; null turns the alert off for this job. */
  readonly staleAfterDays: number | null;
  readonly lastSuccessAt: number | null;
}

export interface StaleCheck {
  readonly notifications: readonly AppNotification[];
  /** Per job, the last success (or creation) an alert was already raised for; persist it. */
  readonly alerted: Readonly<Record<string, number>>;
}

const DAY = 24 * 3600 * 1000;

/** "No successful backup for N days" alerts: once per stale stretch, again only after a new success goes stale. */
export function staleBackupNotifications(now: number, jobs: readonly StaleJob[], alerted: Readonly<Record<string, number>>): StaleCheck {
  const next: Record<string, number> = {};
  const notifications: AppNotification[] = [];
  for (const job of jobs) {
    const since = job.lastSuccessAt ?? job.createdAt;
    if (alerted[job.id] !== undefined) next[job.id] = alerted[job.id]!;
    if (job.staleAfterDays === null || now - since <= job.staleAfterDays * DAY) continue;
    if (alerted[job.id] === since) continue;
    next[job.id] = since;
    const days = Math.floor((now - since) / DAY);
    notifications.push({
      key: `stale:${job.id}`,
      kind: 'stale',
      severity: 'warning',
      jobId: job.id,
      jobName: job.name,
      runId: null,
      destination: null,
      firstError: null,
      title: `${job.name}: no successful backup for ${days} days`,
      body: job.lastSuccessAt === null ? `${job.name} has never completed a backup. Run it now or check its schedule.` : `The last good backup was ${days} days ago. Run it now or check its schedule.`,
      atMs: now,
    });
  }
  return { notifications, alerted: next };
}

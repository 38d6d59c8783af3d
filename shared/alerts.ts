// Notifications as they cross the contract: raised by the core's policy, shown by the hosts
// (OS notification in Electron, Web Notification in the browser, a webhook for headless use).

/** 'damaged-state': a damaged local database (history, locks) was moved aside and started anew. */
export type NotificationKind = 'failed' | 'partial' | 'destination-missing' | 'stale' | 'success' | 'damaged-state';

export interface AppNotification {
  /** Stable per cause, so a host can replace rather than stack duplicates. */
  readonly key: string;
  readonly kind: NotificationKind;
  readonly severity: 'error' | 'warning' | 'info';
  readonly jobId: string;
  readonly jobName: string;
  /** The run a click opens; null for "no backup for N days". */
  readonly runId: number | null;
  readonly destination: string | null;
  readonly firstError: string | null;
  readonly title: string;
  readonly body: string;
  readonly atMs: number;
}

export interface AlertSettings {
  /** Successes are quiet unless asked for. */
  readonly notifyOnSuccess: boolean;
  /** A JSON POST per notification for headless users; null: off. */
  readonly webhookUrl: string | null;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = { notifyOnSuccess: false, webhookUrl: null };

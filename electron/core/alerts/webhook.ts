// The headless user's notification channel: a JSON POST to a URL of their choice (ntfy, a chat
// webhook, a home-automation endpoint). Never throws; a failure comes back as a value to log.
import type { AppNotification } from '../../../shared/alerts.js';

export interface WebhookPayload {
  readonly source: 'reprise';
  readonly kind: AppNotification['kind'];
  readonly severity: AppNotification['severity'];
  readonly title: string;
  readonly message: string;
  readonly job: { readonly id: string; readonly name: string };
  readonly destination: string | null;
  readonly firstError: string | null;
  readonly runId: number | null;
  readonly time: string;
}

export type WebhookResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly error: { readonly kind: 'webhook-failed'; readonly message: string } };

/** Checks a webhook URL before it is saved: http(s) only, no credentials echoed back. */
export function checkWebhookUrl(url: string): { readonly ok: true; readonly url: URL } | { readonly ok: false; readonly message: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, message: 'The webhook address is not a valid URL (e.g. https://ntfy.sh/my-backups).' };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, message: 'The webhook address must start with https:// or http://.' };
  return { ok: true, url: parsed };
}

/** The JSON body sent for one notification. */
export function webhookPayload(n: AppNotification): WebhookPayload {
  return {
    source: 'reprise',
    kind: n.kind,
    severity: n.severity,
    title: n.title,
    message: n.body,
    job: { id: n.jobId, name: n.jobName },
    destination: n.destination,
    firstError: n.firstError,
    runId: n.runId,
    time: new Date(n.atMs).toISOString(),
  };
}

// Only scheme, host and path in messages: a token in the query string is a secret.
function safeUrl(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** POSTs the notification as JSON; resolves with the HTTP status or a readable failure. */
export async function sendWebhook(url: string, n: AppNotification, opts: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<WebhookResult> {
  const checked = checkWebhookUrl(url);
  if (!checked.ok) return { ok: false, error: { kind: 'webhook-failed', message: checked.message } };
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 10_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await fetch(checked.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Reprise' },
      body: JSON.stringify(webhookPayload(n)),
      signal,
      redirect: 'error',
    });
    // Drain the body so the connection can be reused or closed cleanly.
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) return { ok: false, error: { kind: 'webhook-failed', message: `The webhook at ${safeUrl(checked.url)} answered HTTP ${res.status}.` } };
    return { ok: true, status: res.status };
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? 'it did not answer in time' : err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    return { ok: false, error: { kind: 'webhook-failed', message: `Could not reach the webhook at ${safeUrl(checked.url)}: ${why}.` } };
  }
}

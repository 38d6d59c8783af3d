import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppNotification } from '../../../shared/alerts.js';
import { checkWebhookUrl, sendWebhook } from '../../../electron/core/alerts/webhook.js';

const note: AppNotification = {
  key: 'run:m',
  kind: 'failed',
  severity: 'error',
  jobId: 'm',
  jobName: 'Sigur Rós',
  runId: 7,
  destination: 'b2:music',
  firstError: '401 Unauthorized',
  title: 'Sigur Rós backup failed',
  body: 'b2:music: 401 Unauthorized',
  atMs: Date.parse('2026-06-10T03:05:00Z'),
};

interface Received {
  readonly method: string;
  readonly url: string;
  readonly type: string | undefined;
  readonly body: unknown;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<{ server: Server; base: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, type: req.headers['content-type'], body: JSON.parse(body || 'null') });
      handler(req, res, body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received })));
}

describe('sendWebhook against a loopback HTTP server', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  it('POSTs the notification as JSON', async () => {
    const s = await listen((_q, res) => res.writeHead(204).end());
    server = s.server;
    const res = await sendWebhook(`${s.base}/hooks/reprise?token=secret`, note);
    expect(res).toEqual({ ok: true, status: 204 });
    expect(s.received).toEqual([
      {
        method: 'POST',
        url: '/hooks/reprise?token=secret',
        type: 'application/json',
        body: {
          source: 'reprise',
          kind: 'failed',
          severity: 'error',
          title: 'Sigur Rós backup failed',
          message: 'b2:music: 401 Unauthorized',
          job: { id: 'm', name: 'Sigur Rós' },
          destination: 'b2:music',
          firstError: '401 Unauthorized',
          runId: 7,
          time: '2026-06-10T03:05:00.000Z',
        },
      },
    ]);
  });

  it('reports an HTTP error status without leaking the query string', async () => {
    const s = await listen((_q, res) => res.writeHead(500).end('boom'));
    server = s.server;
    const res = await sendWebhook(`${s.base}/hook?token=secret`, note);
    expect(res).toEqual({ ok: false, error: { kind: 'webhook-failed', message: `The webhook at ${s.base}/hook answered HTTP 500.` } });
  });

  it('reports an unreachable server and a bad URL as values, never throwing', async () => {
    const s = await listen(() => {});
    const base = s.base;
    await new Promise<void>((r) => s.server.close(() => r()));
    const res = await sendWebhook(`${base}/hook`, note);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(new RegExp(`^Could not reach the webhook at ${base}/hook: .*ECONNREFUSED`));
    expect(checkWebhookUrl('ftp://example.com')).toEqual({ ok: false, message: 'The webhook address must start with https:// or http://.' });
    expect((await sendWebhook('not a url', note)).ok).toBe(false);
  });
});

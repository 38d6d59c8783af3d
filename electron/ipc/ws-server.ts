// The WebSocket transport of `reprise serve`: serves the built renderer and the contract over one
// local HTTP server. Loopback by default, a random token, Host and Origin checked on every request.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { type EventName, type Events, type Handlers } from '../../shared/contract.js';
import type { EventBus } from '../core/events.js';
import { dispatch } from './dispatch.js';

export interface WsServerOptions {
  readonly handlers: Handlers;
  readonly events: EventBus;
  /** Folder of the built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Fixed token (tests); random otherwise. */
  readonly token?: string;
}

export interface WsServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a host is a loopback address (the default, safe binding). */
export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost';
}

/** Starts the HTTP + WebSocket server and resolves once it listens. */
export async function startWsServer(o: WsServerOptions): Promise<WsServer> {
  const bindHost = o.host ?? '127.0.0.1';
  const token = o.token ?? randomBytes(24).toString('base64url');
  let port = 0;

  // DNS-rebinding defence: on loopback only loopback names with our port are accepted.
  const hostAllowed = (hostHeader: string | undefined): boolean => {
    if (!hostHeader) return false;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
    if (!m) return false;
    if (Number(m[2] ?? 80) !== port) return false;
    return isLoopbackHost(bindHost) ? loopbackNames.has(m[1]!) : true;
  };
  const originAllowed = (origin: string | undefined, hostHeader: string | undefined): boolean =>
    origin === undefined || origin === `http://${hostHeader}`;

  const csp = (hostHeader: string) =>
    [
      "default-src 'self'",
      `connect-src 'self' ws://${hostHeader}`,
      "img-src 'self' data: blob:",
      "style-src 'self' 'unsafe-inline'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; ');

  const serveStatic = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/' || !extname(rel)) rel = '/index.html';
    const file = normalize(join(o.staticDir, rel));
    if (!file.startsWith(normalize(o.staticDir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': mime[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp(req.headers.host ?? ''),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
    });
    createReadStream(file).pipe(res);
  };

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Host not allowed');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end('Method not allowed');
      return;
    }
    serveStatic(req, res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reject = (code: number, text: string) => {
      socket.end(`HTTP/1.1 ${code} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req.headers.host)) return reject(421, 'Misdirected Request');
    if (!originAllowed(req.headers.origin, req.headers.host)) return reject(403, 'Forbidden');
    if (url.pathname !== '/ws' || !sameToken(url.searchParams.get('token'), token)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (msg: unknown) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    };
    const off = o.events.onAny(<E extends EventName>(name: E, payload: Events[E]) => send({ type: 'event', name, payload }));
    ws.on('message', async (data) => {
      let msg: { type?: unknown; id?: unknown; name?: unknown; req?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return send({ type: 'error', message: 'not JSON' });
      }
      if (msg.type !== 'invoke' || typeof msg.id !== 'number') return send({ type: 'error', message: 'expected {type:"invoke", id, name, req}' });
      const result = await dispatch(o.handlers, msg.name, msg.req);
      send({ type: 'result', id: msg.id, result });
    });
    ws.on('close', off);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, bindHost, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = bindHost.includes(':') ? `[${bindHost}]` : bindHost === '0.0.0.0' ? '127.0.0.1' : bindHost;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

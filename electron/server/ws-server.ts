// The WebSocket transport of `reprise serve`: serves the built renderer and the contract over one
// local HTTP server. Loopback by default, a token, Host and Origin checked on every request.
// `reprise serve` runs for months on NAS boxes, so nothing a client sends may end the process:
// every request and frame gets an answer, or only its own connection is closed.
import { timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type EventName, type Events, type Handlers } from '../../shared/contract.js';
import type { EventBus } from '../core/api/host.js';
import { dispatch } from '../core/api/dispatch.js';
import type { TestSeams } from '../core/api/test-seams.js';
import { hostAllowed, originAllowed, serveUrl } from './serve-address.js';
import { newServeToken } from './serve-token.js';
import { plain, serveStatic } from './static-files.js';
import { parseClientMessage } from './ws-messages.js';
import type { UploadStaging } from '../core/api/host.js';
import { handleUpload, isUploadRequest } from './upload-route.js';
import { type ServerMessage, WS_PATH } from '../../shared/channels.js';

export { isLoopbackHost } from './serve-address.js';

export interface WsServerOptions {
  readonly handlers: Handlers;
  readonly events: EventBus;
  /** The test-only commands of a core opened with a test seam; absent (or null) in production. */
  readonly seams?: TestSeams | null;
  /** Folder of the built renderer (index.html and assets). */
  readonly staticDir: string;
  readonly host?: string;
  readonly port?: number;
  /** The token (kept in the data dir by `reprise serve`); random when absent. */
  readonly token?: string;
  /** Where to say what went wrong with one connection (never a client's data). */
  readonly log?: (line: string) => void;
  /** Where uploads from the browser's computer are staged; without it the upload route says 404. */
  readonly uploads?: UploadStaging;
}

export interface WsServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/** The largest frame a client may send: requests are small JSON objects. */
export const MAX_FRAME_BYTES = 1024 * 1024;
// A client that stops reading while events stream to it is dropped before it eats our memory.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
// Commands in flight per connection; a flood beyond this gets "busy" answers.
const MAX_IN_FLIGHT = 32;

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenOf(rawUrl: string | undefined): { path: string; token: string | null } | null {
  try {
    const url = new URL(rawUrl ?? '/', 'http://x');
    return { path: url.pathname, token: url.searchParams.get('token') };
  } catch {
    return null;
  }
}

/** Starts the HTTP + WebSocket server and resolves once it listens. */
export async function startWsServer(o: WsServerOptions): Promise<WsServer> {
  const bindHost = o.host ?? '127.0.0.1';
  const token = o.token ?? newServeToken();
  const log = o.log ?? (() => {});
  let port = 0;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (!hostAllowed(req.headers.host, bindHost, port)) return plain(res, 421, 'Host not allowed');
    if (isUploadRequest(req.url)) {
      if (!originAllowed(req.headers.origin, req.headers.host)) return plain(res, 403, 'Forbidden');
      return handleUpload(req, res, o.uploads, (bearer) => sameToken(bearer, token), log);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed');
    serveStatic(o.staticDir, req, res);
  };
  const server = createServer((req, res) => {
    try {
      onRequest(req, res);
    } catch (e) {
      log(`request failed: ${e instanceof Error ? e.message : String(e)}`);
      plain(res, 500, 'Internal error');
    }
  });
  // Malformed HTTP (bad request line, huge headers, a reset mid-request): answer 400 if the socket
  // still takes it, then drop only that connection.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', (e) => log(`websocket server: ${e.message}`));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    // Node hands the raw socket over without an error listener: a reset here would be fatal.
    socket.on('error', () => socket.destroy());
    const reject = (status: string) => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      else socket.destroy();
    };
    try {
      if (!hostAllowed(req.headers.host, bindHost, port)) return reject('421 Misdirected Request');
      if (!originAllowed(req.headers.origin, req.headers.host)) return reject('403 Forbidden');
      const target = tokenOf(req.url);
      if (!target || target.path !== WS_PATH || !sameToken(target.token, token)) return reject('401 Unauthorized');
      // ws answers a bad handshake (no key, wrong version) with 400 itself.
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    } catch (e) {
      log(`upgrade failed: ${e instanceof Error ? e.message : String(e)}`);
      reject('500 Internal Server Error');
    }
  });

  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    const send = (msg: ServerMessage) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return void ws.terminate();
      try {
        ws.send(JSON.stringify(msg));
      } catch (e) {
        log(`send failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    const off = o.events.onAny(<E extends EventName>(name: E, payload: Events[E]) => send({ type: 'event', name, payload }));
    // Protocol violations (unmasked or oversize frames, reserved opcodes, bad UTF-8) arrive here;
    // ws then closes this connection with the matching close code. Without a listener they throw.
    ws.on('error', () => ws.terminate());
    ws.on('close', off);
    ws.on('message', (data, isBinary) => {
      const parsed = parseClientMessage(data, isBinary);
      if (!parsed.ok) return send({ type: 'error', ...(parsed.id !== null ? { id: parsed.id } : {}), message: parsed.message });
      const { id, name, req } = parsed.msg;
      if (inFlight >= MAX_IN_FLIGHT) return send({ type: 'result', id, result: { ok: false, error: { kind: 'busy', message: 'Too many requests at once; try again.' } } });
      inFlight++;
      dispatch(o.handlers, name, req, { seams: o.seams ?? null })
        .then((result) => send({ type: 'result', id, result }))
        .catch((e: unknown) => send({ type: 'result', id, result: { ok: false, error: { kind: 'internal', message: e instanceof Error ? e.message : 'failed' } } }))
        .finally(() => inFlight--);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log(`server: ${e.message}`));
  port = (server.address() as AddressInfo).port;
  return {
    url: serveUrl(bindHost, port, token),
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

// Picks how the UI talks to the core: Electron's preload bridge when present, otherwise the
// WebSocket of `reprise serve` named by the page URL's token. Both implement the same Bridge.
import type { Bridge, CommandName, EventName, Events, Req, Res } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { type InvokeMessage, type ServerMessage, WS_PATH } from '../../shared/channels';

declare global {
  interface Window {
    bridge?: Bridge;
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'unauthorized';

interface Pending {
  resolve: (r: Result<unknown>) => void;
}

/** Reads the serve token from the URL once, then keeps it for reloads without showing it. */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem('reprise-token', fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem('reprise-token');
}

/** The serve token this page was opened with (for the upload route), or null in the desktop window. */
export function serveToken(): string | null {
  return sessionStorage.getItem('reprise-token');
}

/** A Bridge over the serve WebSocket, reconnecting with backoff. */
export function webSocketBridge(onState: (s: ConnectionState) => void): Bridge {
  const token = takeToken();
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let delay = 250;

  const connect = () => {
    if (!token) {
      onState('unauthorized');
      return;
    }
    onState('connecting');
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      delay = 250;
      onState('open');
      for (const m of queue.splice(0)) ws.send(m);
    };
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data)) as ServerMessage;
      if (msg.type === 'result') {
        pending.get(msg.id)?.resolve(msg.result);
        pending.delete(msg.id);
      } else if (msg.type === 'event') {
        for (const l of listeners.get(msg.name) ?? []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      for (const [id, p] of pending) {
        p.resolve({ ok: false, error: { kind: 'internal', message: 'The connection to Reprise was lost.' } });
        pending.delete(id);
      }
      onState('closed');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  };
  connect();

  return {
    invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Result<Res<K>>> {
      const id = nextId++;
      const message: InvokeMessage = { type: 'invoke', id, name, req };
      const text = JSON.stringify(message);
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as (r: Result<unknown>) => void });
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on<E extends EventName>(name: E, listener: (payload: Events[E]) => void) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as (p: unknown) => void);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

/** The bridge for this page, and a way to watch the connection. */
export function pickBridge(onState: (s: ConnectionState) => void): Bridge {
  if (window.bridge) {
    // After returning: the caller keeps the bridge before "open" makes it call through it.
    queueMicrotask(() => onState('open'));
    return window.bridge;
  }
  return webSocketBridge(onState);
}

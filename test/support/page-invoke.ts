// A contract command sent from inside the page over a WebSocket of its own: what a second window
// or another browser tab of `reprise serve` would do.
import type { Page } from '@playwright/test';

/** Calls a contract command over a second WebSocket from the page (same origin, same token): another client. */
export async function invoke<T>(page: Page, name: string, req: unknown): Promise<T> {
  return page.evaluate(
    ([name, req]) =>
      new Promise<T>((resolve, reject) => {
        const token = sessionStorage.getItem('reprise-token') ?? '';
        const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
        ws.onopen = () => ws.send(JSON.stringify({ type: 'invoke', id: 1, name, req }));
        ws.onmessage = (e) => {
          const msg = JSON.parse(String(e.data)) as { type: string; id?: number; result?: { ok: boolean; value?: T; error?: { message: string } } };
          if (msg.type !== 'result' || msg.id !== 1) return;
          ws.close();
          if (msg.result?.ok) resolve(msg.result.value as T);
          else reject(new Error(msg.result?.error?.message ?? 'failed'));
        };
        ws.onerror = () => reject(new Error('websocket error'));
      }),
    [name, req] as const,
  );
}

// The names and message shapes on the wires between the core's hosts and the window, in one module
// both ends import: Electron IPC channels (desktop/electron-transport.ts ↔ desktop/preload.ts) and
// the WebSocket of `reprise serve` (server/ws-server.ts ↔ renderer/src/transport.ts). Pure.
import type { EventName } from './contract.js';
import type { Result } from './result.js';

/** The Electron IPC channel of a command or an event. */
export const ipcChannel = {
  command: (name: string): string => `reprise:cmd:${name}`,
  event: (name: string): string => `reprise:evt:${name}`,
};

/** The path of the serve WebSocket (the token rides in the query). */
export const WS_PATH = '/ws';

/**
 * Where a browser on serve sends the files of an upload: `PUT UPLOAD_PATH/<upload id>?path=<relative
 * path>&mtime=<ms>`, one file per request, the token as `Authorization: Bearer <token>`.
 */
export const UPLOAD_PATH = '/api/upload';

/** What a WebSocket client sends: one command per text frame. */
export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly name: string;
  readonly req?: unknown;
}

/** What the server sends: a command's Result, an event, or why a frame was refused. */
export type ServerMessage =
  | { readonly type: 'result'; readonly id: number; readonly result: Result<unknown> }
  | { readonly type: 'event'; readonly name: EventName; readonly payload: unknown }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };

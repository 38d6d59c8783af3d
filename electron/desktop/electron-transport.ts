// The Electron transport: one ipcMain.handle per allowlisted command, the sender checked (the
// main frame of our own window), the payload validated by dispatch; events via webContents.send.
import { type WebContents, type WebFrameMain, ipcMain } from 'electron';
import { type EventName, type Events, type Handlers, commandNames } from '../../shared/contract.js';
import { fail } from '../../shared/result.js';
import { ipcChannel } from '../../shared/channels.js';
import type { EventBus } from '../core/api/host.js';
import { dispatch } from '../core/api/dispatch.js';


/** Whether a frame is the top frame of our own renderer (file URL of the built index.html). */
export function isTrustedFrame(frame: WebFrameMain | null, rendererUrl: string): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const u = new URL(frame.url);
    const ours = new URL(rendererUrl);
    return u.protocol === ours.protocol && u.host === ours.host && u.pathname === ours.pathname;
  } catch {
    return false;
  }
}

/** Registers every command handler and forwards every event to the given web contents. */
export function registerElectronTransport(handlers: Handlers, events: EventBus, rendererUrl: string, targets: () => readonly WebContents[]): () => void {
  for (const name of commandNames) {
    ipcMain.handle(ipcChannel.command(name), async (event, request: unknown) => {
      if (!isTrustedFrame(event.senderFrame, rendererUrl)) return fail('unauthorized', 'This request did not come from the Reprise window.');
      return dispatch(handlers, name, request);
    });
  }
  const off = events.onAny(<E extends EventName>(name: E, payload: Events[E]) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(ipcChannel.event(name), payload);
  });
  return () => {
    off();
    for (const name of commandNames) ipcMain.removeHandler(ipcChannel.command(name));
  };
}

// The preload: exposes an allowlisted bridge generated from the contract, nothing else. It never
// hands the renderer the IPC event object. Bundled to CommonJS (sandboxed preloads cannot be ESM).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { type Bridge, type EventName, commandNames, eventNames } from '../../shared/contract.js';
import { fail } from '../../shared/result.js';
import { ipcChannel } from '../../shared/channels.js';

const commands = new Set<string>(commandNames);
const events = new Set<string>(eventNames);

const bridge: Bridge = {
  invoke(name, req) {
    if (!commands.has(name)) return Promise.resolve(fail('invalid-request', `Unknown command ${String(name)}.`));
    return ipcRenderer.invoke(ipcChannel.command(name), req);
  },
  on<E extends EventName>(name: E, listener: (payload: never) => void) {
    if (!events.has(name)) throw new Error(`Unknown event ${String(name)}`);
    const wrapped = (_event: unknown, payload: unknown) => listener(payload as never);
    ipcRenderer.on(ipcChannel.event(name), wrapped);
    return () => {
      ipcRenderer.off(ipcChannel.event(name), wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('bridge', bridge);
// An upload from the window names files by their path on this computer (renderer/src/upload-client.ts).
contextBridge.exposeInMainWorld('repriseFiles', { pathFor: (file: File) => webUtils.getPathForFile(file) });

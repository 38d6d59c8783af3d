// Runs the built Electron main process (out/electron/desktop/main.js) under plain Node with the stand-in
// `electron` module, and drives it as a person and the window would: click the tray menu or a
// notification, close the window, invoke an IPC channel as some frame. Waits are on facts: every
// change in the stand-in's record arrives as a message and is checked against what a test waits for.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));
export const mainJs = join(repo, 'out', 'electron', 'desktop', 'main.js');
const register = join(repo, 'test', 'support', 'electron-stand-in', 'register.mjs');

export interface MenuItemState {
  readonly label: string | null;
  readonly type: string;
  readonly enabled: boolean;
  readonly checked: boolean | null;
  readonly submenu: readonly MenuItemState[] | null;
}

export interface TrayRecord {
  readonly image: { readonly path: string | null; readonly exists: boolean; readonly representations: readonly { scaleFactor: number; bytes: number }[]; readonly template: boolean };
  readonly images: readonly string[];
  readonly tooltip: string;
  readonly menu: readonly MenuItemState[] | null;
  readonly destroyed: boolean;
}

export interface WindowRecord {
  readonly id: number;
  readonly options: { readonly webPreferences?: Record<string, unknown> } & Record<string, unknown>;
  readonly url: string;
  readonly visible: boolean;
  readonly focused: boolean;
  readonly shows: number;
  readonly destroyed: boolean;
  readonly hasOpenHandler: boolean;
  readonly sent: readonly { readonly channel: string; readonly payload: unknown }[];
  readonly sentCount: number;
}

export interface NotificationRecord {
  readonly title: string;
  readonly body: string;
  readonly urgency: string;
  readonly icon: string | null;
  readonly shown: boolean;
  readonly clickable: boolean;
}

/** What the stand-in recorded, as of its last message. */
export interface StandInState {
  readonly singleInstance: 'acquired' | 'refused' | null;
  readonly ready: boolean;
  readonly windows: readonly WindowRecord[];
  readonly trays: readonly TrayRecord[];
  readonly notifications: readonly NotificationRecord[];
  readonly ipcHandlers: readonly string[];
  readonly ipcListeners: readonly string[];
  readonly loginItemCalls: readonly unknown[];
  readonly loginItems: { readonly openAtLogin: boolean };
  readonly openExternal: readonly string[];
  readonly appEvents: readonly string[];
}

export type Frame = 'main' | 'subframe' | { readonly url: string };

export interface DesktopApp {
  readonly child: ChildProcess;
  /** The latest record (empty until the first message). */
  state(): StandInState;
  /** Resolves with the value once `check` returns something other than undefined/false for a record. */
  waitFor<T>(what: string, check: (s: StandInState) => T | undefined | false, timeoutMs?: number): Promise<T>;
  invoke(command: string, payload: unknown, frame?: Frame): Promise<unknown>;
  clickMenu(...labels: string[]): Promise<void>;
  clickTray(): Promise<void>;
  clickNotification(index: number): Promise<void>;
  closeWindow(): Promise<void>;
  windowOpen(url: string): Promise<unknown>;
  power(event: string): Promise<void>;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number | null>;
  output(): string;
  kill(): void;
}

/** The tray (the last one created), when there is one. */
export const trayOf = (s: StandInState): TrayRecord | undefined => s.trays.at(-1);
/** The main window. */
export const windowOf = (s: StandInState): WindowRecord | undefined => s.windows.at(-1);
/** Events the window was sent, by contract event name. */
export const eventsSent = (s: StandInState, name: string): unknown[] => (windowOf(s)?.sent ?? []).filter((m) => m.channel === `reprise:evt:${name}`).map((m) => m.payload);
/** The tray menu's labels, top level. */
export const menuLabels = (t: TrayRecord | undefined): string[] => (t?.menu ?? []).map((i) => i.label ?? '—');

const empty: StandInState = {
  singleInstance: null,
  ready: false,
  windows: [],
  trays: [],
  notifications: [],
  ipcHandlers: [],
  ipcListeners: [],
  loginItemCalls: [],
  loginItems: { openAtLogin: false },
  openExternal: [],
  appEvents: [],
};

/** Starts the main process with the stand-in; `env` adds to (or, with undefined, removes from) the environment. */
export function launchDesktop(env: Record<string, string | undefined>, args: readonly string[] = []): DesktopApp {
  const fullEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete fullEnv[k];
    else fullEnv[k] = v;
  }
  const child = fork(mainJs, [...args], { execArgv: ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', '--import', register], env: fullEnv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let latest: StandInState = empty;
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const waiters = new Set<() => void>();
  const replies = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (c) => {
      code = c;
      for (const w of waiters) w();
      for (const r of replies.values()) r.reject(new Error(`the app exited (code ${c}) before answering`));
      resolve(c);
    }),
  );
  child.on('message', (m: { type: string; state?: StandInState; id?: number; value?: unknown; error?: string }) => {
    if (m.type === 'state' && m.state) {
      latest = m.state;
      for (const w of [...waiters]) w();
    } else if (m.type === 'reply' && m.id !== undefined) {
      const r = replies.get(m.id);
      replies.delete(m.id);
      if (m.error !== undefined) r?.reject(new Error(m.error));
      else r?.resolve(m.value);
    }
  });

  const send = (msg: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (code !== undefined) return reject(new Error(`the app has exited (code ${code})`));
      const id = nextId++;
      replies.set(id, { resolve, reject });
      child.send({ id, ...msg });
    });

  return {
    child,
    state: () => latest,
    waitFor<T>(what: string, check: (s: StandInState) => T | undefined | false, timeoutMs = 45_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const look = () => {
          let v: T | undefined | false;
          try {
            v = check(latest);
          } catch {
            v = undefined;
          }
          if (v !== undefined && v !== false) {
            done();
            resolve(v);
          } else if (code !== undefined) {
            done();
            reject(new Error(`waiting for ${what}: the app exited (code ${code}).\n${out.slice(-2000)}`));
          }
        };
        // A deadline, not a sleep: it only turns a hang into a message that says what was awaited.
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${what}.\nTray: ${JSON.stringify(trayOf(latest)?.tooltip)} ${JSON.stringify(trayOf(latest)?.images)}\nOutput: ${out.slice(-2000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(look);
        };
        waiters.add(look);
        look();
      });
    },
    invoke: (command, payload, frame = 'main') => send({ op: 'invoke', channel: `reprise:cmd:${command}`, payload, frame }),
    clickMenu: async (...labels) => void (await send({ op: 'menu-click', labels })),
    clickTray: async () => void (await send({ op: 'tray-click' })),
    clickNotification: async (index) => void (await send({ op: 'notification-click', index })),
    closeWindow: async () => void (await send({ op: 'window-close' })),
    windowOpen: (url) => send({ op: 'window-open', url }),
    power: async (event) => void (await send({ op: 'power', event })),
    exited,
    output: () => out,
    kill: () => {
      if (code === undefined) child.kill('SIGKILL');
    },
  };
}

// A stand-in for the `electron` module, for running the built main process under plain Node where
// no Electron binary can be had (test/support/electron-stand-in/register.mjs maps `electron` here).
// It does what the main process asks the way Electron documents it — the quit sequence with its
// preventable events, a single-instance lock per userData folder shared between processes, windows
// that load a file and fire did-finish-load, IPC handlers called with a sender frame — and records
// everything. The test (test/support/desktop-harness.ts) reads the record and drives it over the
// child's IPC channel: invoke a channel as some frame, click a tray menu item or a notification,
// close the window, emit an app event. Nothing here decides what Reprise does.
import { EventEmitter } from 'node:events';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, watch, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// --- the record ----------------------------------------------------------------------------------

interface ImageRecord {
  path: string | null;
  exists: boolean;
  representations: { scaleFactor: number; bytes: number }[];
  template: boolean;
}
interface MenuItemRecord {
  label: string | null;
  type: string;
  enabled: boolean;
  checked: boolean | null;
  submenu: MenuItemRecord[] | null;
}

const record = {
  singleInstance: null as 'acquired' | 'refused' | null,
  ready: false,
  loginItemCalls: [] as Json[],
  openExternal: [] as string[],
  appEvents: [] as string[],
  dialogs: 0,
};

let pushScheduled = false;
/** Sends the record to the test after the current turn (many changes, one message). */
function changed(): void {
  if (pushScheduled || !process.send) return;
  pushScheduled = true;
  setImmediate(() => {
    pushScheduled = false;
    process.send?.({ type: 'state', state: snapshot() });
  });
}

function snapshot(): Json {
  return {
    ...record,
    windows: windows.map((w) => w.toRecord()),
    trays: trays.map((t) => t.toRecord()),
    notifications: notes.map((n) => n.toRecord()),
    ipcHandlers: [...handlers.keys()].sort(),
    ipcListeners: [...ipcMainEmitter.eventNames()].map(String).sort(),
    loginItems: { ...loginItems },
  } as unknown as Json;
}

// --- nativeImage --------------------------------------------------------------------------------

class NativeImage {
  readonly rec: ImageRecord;
  constructor(path: string | null) {
    this.rec = { path, exists: path !== null && existsSync(path), representations: [], template: false };
  }
  isEmpty(): boolean {
    return !this.rec.exists && this.rec.representations.length === 0;
  }
  addRepresentation(o: { scaleFactor?: number; buffer?: Buffer }): void {
    this.rec.representations.push({ scaleFactor: o.scaleFactor ?? 1, bytes: o.buffer?.length ?? 0 });
  }
  setTemplateImage(on: boolean): void {
    this.rec.template = on;
  }
  isTemplateImage(): boolean {
    return this.rec.template;
  }
  getSize(): { width: number; height: number } {
    // A PNG's IHDR holds its size; Electron reads the same.
    if (!this.rec.path || !this.rec.exists || !this.rec.path.endsWith('.png')) return { width: 0, height: 0 };
    const b = readFileSync(this.rec.path);
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
}

export const nativeImage = {
  createFromPath: (path: string) => new NativeImage(path),
  createEmpty: () => new NativeImage(null),
  createFromBuffer: () => new NativeImage(null),
  createFromBitmap: () => new NativeImage(null),
};

// --- Menu ---------------------------------------------------------------------------------------

interface TemplateItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: (...args: unknown[]) => void;
  submenu?: TemplateItem[] | Menu;
}

class Menu {
  readonly items: TemplateItem[];
  constructor(items: TemplateItem[] = []) {
    this.items = items;
  }
  static buildFromTemplate(template: TemplateItem[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(): void {}
  toRecord(): MenuItemRecord[] {
    return this.items.map((i) => {
      const sub = i.submenu instanceof Menu ? i.submenu : i.submenu ? new Menu(i.submenu) : null;
      return {
        label: i.label ?? null,
        type: i.type ?? (sub ? 'submenu' : 'normal'),
        enabled: i.enabled ?? true,
        checked: i.type === 'checkbox' || i.type === 'radio' ? (i.checked ?? false) : null,
        submenu: sub ? sub.toRecord() : null,
      };
    });
  }
  /** The item at a path of labels (exact, else the first that starts with the text). */
  find(path: readonly string[]): TemplateItem | undefined {
    const [head, ...rest] = path;
    const item = this.items.find((i) => i.label === head) ?? this.items.find((i) => head !== undefined && i.label?.startsWith(head));
    if (!item || rest.length === 0) return item;
    const sub = item.submenu instanceof Menu ? item.submenu : item.submenu ? new Menu(item.submenu) : null;
    return sub?.find(rest);
  }
}
export { Menu };

// --- Tray ---------------------------------------------------------------------------------------

const trays: Tray[] = [];
class Tray extends EventEmitter {
  private image: NativeImage;
  private readonly images: string[] = [];
  private tooltip = '';
  private menu: Menu | null = null;
  private destroyed = false;
  constructor(image: NativeImage) {
    super();
    this.image = image;
    this.images.push(image.rec.path ?? '(empty)');
    trays.push(this);
    changed();
  }
  setImage(image: NativeImage): void {
    this.image = image;
    if (this.images.at(-1) !== image.rec.path) this.images.push(image.rec.path ?? '(empty)');
    changed();
  }
  setToolTip(text: string): void {
    this.tooltip = text;
    changed();
  }
  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
    changed();
  }
  setTitle(): void {}
  destroy(): void {
    this.destroyed = true;
    changed();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  contextMenu(): Menu | null {
    return this.menu;
  }
  toRecord(): Record<string, Json> {
    return {
      image: this.image.rec as unknown as Json,
      images: this.images,
      tooltip: this.tooltip,
      menu: (this.menu?.toRecord() ?? null) as unknown as Json,
      destroyed: this.destroyed,
    };
  }
}
export { Tray };

// --- Notification -------------------------------------------------------------------------------

const notes: Notification[] = [];
class Notification extends EventEmitter {
  private readonly options: Record<string, unknown>;
  private shown = false;
  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    notes.push(this);
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    this.shown = true;
    changed();
  }
  close(): void {
    this.emit('close', {});
  }
  toRecord(): Record<string, Json> {
    return { title: String(this.options.title ?? ''), body: String(this.options.body ?? ''), urgency: String(this.options.urgency ?? ''), icon: this.options.icon ? String(this.options.icon) : null, shown: this.shown, clickable: this.listenerCount('click') > 0 };
  }
}
export { Notification };

// --- ipcMain ------------------------------------------------------------------------------------

type Handler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, Handler>();
const ipcMainEmitter = new EventEmitter();
export const ipcMain = {
  handle(channel: string, fn: Handler): void {
    // Electron refuses a second handler for one channel.
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, fn);
    changed();
  },
  removeHandler(channel: string): void {
    handlers.delete(channel);
    changed();
  },
  on(channel: string, fn: (...args: unknown[]) => void) {
    ipcMainEmitter.on(channel, fn);
    changed();
    return ipcMain;
  },
  removeListener(channel: string, fn: (...args: unknown[]) => void) {
    ipcMainEmitter.removeListener(channel, fn);
    return ipcMain;
  },
};

// --- BrowserWindow and WebContents --------------------------------------------------------------

interface Frame {
  url: string;
  parent: Frame | null;
}

let nextContentsId = 1;
class WebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly mainFrame: Frame = { url: 'about:blank', parent: null };
  readonly sent: { channel: string; payload: Json }[] = [];
  sentCount = 0;
  private destroyed = false;
  openHandler: ((d: { url: string }) => { action: string }) | null = null;
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sentCount++;
    this.sent.push({ channel, payload: JSON.parse(JSON.stringify(payload ?? null)) as Json });
    // Progress events come many a second; the test needs the recent ones and every lifecycle one.
    if (this.sent.length > 400) this.sent.splice(0, this.sent.findIndex((s) => s.channel.endsWith(':runs:progress')) + 1 || 1);
    changed();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
  setWindowOpenHandler(fn: (d: { url: string }) => { action: string }): void {
    this.openHandler = fn;
  }
  isLoading(): boolean {
    return false;
  }
}

const windows: BrowserWindow[] = [];
let focused: BrowserWindow | null = null;
let nextWindowId = 1;
class BrowserWindow extends EventEmitter {
  readonly id = nextWindowId++;
  readonly webContents = new WebContents();
  private readonly options: Record<string, unknown>;
  private visible = false;
  private destroyed = false;
  private minimized = false;
  private shows = 0;
  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    this.visible = options.show !== false;
    windows.push(this);
    // Electron emits web-contents-created for every new web contents, before it loads anything.
    app.emit('web-contents-created', {}, this.webContents);
    changed();
  }
  static getAllWindows(): BrowserWindow[] {
    return windows.filter((w) => !w.destroyed);
  }
  static getFocusedWindow(): BrowserWindow | null {
    return focused && !focused.destroyed ? focused : null;
  }
  async loadFile(path: string, options: { hash?: string; query?: Record<string, string> } = {}): Promise<void> {
    const url = pathToFileURL(path);
    if (options.hash) url.hash = options.hash;
    this.webContents.mainFrame.url = url.href;
    changed();
    // The page "loads": ready-to-show, then did-finish-load, each on its own turn as in Electron.
    await new Promise((r) => setImmediate(r));
    if (this.destroyed) return;
    this.emit('ready-to-show');
    await new Promise((r) => setImmediate(r));
    if (this.destroyed) return;
    this.webContents.emit(existsSync(path) ? 'did-finish-load' : 'did-fail-load');
  }
  show(): void {
    this.visible = true;
    this.minimized = false;
    this.shows++;
    focused = this;
    changed();
  }
  hide(): void {
    this.visible = false;
    if (focused === this) focused = null;
    changed();
  }
  focus(): void {
    focused = this;
    changed();
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  minimize(): void {
    this.minimized = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closes as a click on the title bar's close button does: 'close' may be prevented. */
  close(): boolean {
    if (this.destroyed) return true;
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return false;
    this.destroy();
    return true;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    if (focused === this) focused = null;
    this.emit('closed');
    changed();
  }
  toRecord(): Record<string, Json> {
    return {
      id: this.id,
      options: JSON.parse(JSON.stringify(this.options)) as Json,
      url: this.webContents.mainFrame.url,
      visible: this.visible,
      focused: focused === this,
      shows: this.shows,
      destroyed: this.destroyed,
      hasOpenHandler: this.webContents.openHandler !== null,
      sent: this.webContents.sent,
      sentCount: this.webContents.sentCount,
    };
  }
}
export { BrowserWindow };

// --- app ----------------------------------------------------------------------------------------

const appRoot = (() => {
  // The app's folder: where package.json is, above the main script (out/electron/desktop/main.js).
  let dir = dirname(process.argv[1] ?? process.cwd());
  while (dir !== dirname(dir) && !existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { name: string; version: string; productName?: string };
const configHome = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
const paths: Record<string, string> = {
  home: homedir(),
  appData: configHome,
  userData: join(configHome, pkg.productName ?? pkg.name),
  temp: tmpdir(),
  exe: process.execPath,
  desktop: join(homedir(), 'Desktop'),
  documents: join(homedir(), 'Documents'),
  downloads: join(homedir(), 'Downloads'),
};
paths.logs = join(paths.userData!, 'logs');
const loginItems = { openAtLogin: false };
let readyResolve: () => void = () => {};
const readyPromise = new Promise<void>((r) => (readyResolve = r));
let quitting = false;

class App extends EventEmitter {
  readonly isPackaged = false;
  readonly commandLine = { appendSwitch: () => {}, hasSwitch: () => false, getSwitchValue: () => '' };
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (typeof event === 'string') {
      record.appEvents.push(event);
      changed();
    }
    return super.emit(event, ...args);
  }
  getName(): string {
    return pkg.productName ?? pkg.name;
  }
  getVersion(): string {
    return pkg.version;
  }
  getAppPath(): string {
    return appRoot;
  }
  getPath(name: string): string {
    const p = paths[name];
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  }
  setPath(name: string, path: string): void {
    paths[name] = path;
    if (name === 'userData') paths.logs = join(path, 'logs');
  }
  whenReady(): Promise<void> {
    return readyPromise;
  }
  isReady(): boolean {
    return record.ready;
  }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    return { openAtLogin: loginItems.openAtLogin, wasOpenedAtLogin: false };
  }
  setLoginItemSettings(s: { openAtLogin?: boolean }): void {
    record.loginItemCalls.push(JSON.parse(JSON.stringify(s)) as Json);
    // Electron: "This API is only available on macOS and Windows" — on Linux it does nothing.
    if (process.platform !== 'linux') loginItems.openAtLogin = !!s.openAtLogin;
    changed();
  }
  requestSingleInstanceLock(): boolean {
    const lock = singleInstanceLock(paths.userData!);
    record.singleInstance = lock ? 'acquired' : 'refused';
    changed();
    return lock;
  }
  focus(): void {}
  setAppUserModelId(): void {}
  /** Electron's quit: before-quit (preventable), every window's close (a prevented one cancels), will-quit, quit. */
  quit(): void {
    if (quitting) return;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    for (const w of BrowserWindow.getAllWindows()) if (!w.close()) return;
    let stay = false;
    this.emit('will-quit', { preventDefault: () => (stay = true) });
    if (stay) return;
    quitting = true;
    this.emit('quit', {}, 0);
    this.exit(0);
  }
  exit(code = 0): void {
    quitting = true;
    record.appEvents.push(`exit:${code}`);
    // Deliver the last record before the process ends.
    const done = () => process.exit(code);
    if (process.send) process.send({ type: 'state', state: snapshot() }, done);
    else done();
  }
}
export const app = new App();

// Electron's lock is a socket in userData that later instances connect to; here a file holding
// the pid, and a folder where a later instance leaves its argv for the holder to pick up.
function singleInstanceLock(userData: string): boolean {
  mkdirSync(userData, { recursive: true });
  const lockFile = join(userData, 'SingletonLock');
  const inbox = join(userData, 'SingletonInbox');
  mkdirSync(inbox, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      process.on('exit', () => rmSync(lockFile, { force: true }));
      const deliver = () => {
        // Only whole letters: a later instance writes `.pid.tmp` and renames it to `pid.json`.
        for (const f of readdirSync(inbox)) {
          if (!f.endsWith('.json')) continue;
          const file = join(inbox, f);
          try {
            const argv = JSON.parse(readFileSync(file, 'utf8')) as { argv: string[]; cwd: string };
            rmSync(file, { force: true });
            app.emit('second-instance', {}, argv.argv, argv.cwd, {});
          } catch {
            // Taken by a delivery that ran just before this one.
          }
        }
      };
      watch(inbox, () => deliver()).unref();
      return true;
    } catch {
      let holder: number;
      try {
        holder = Number(readFileSync(lockFile, 'utf8'));
      } catch {
        continue; // the holder let go between the two calls: try to take it
      }
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = holder !== process.pid;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(lockFile, { force: true });
        continue;
      }
      const tmp = join(inbox, `.${process.pid}.tmp`);
      writeFileSync(tmp, JSON.stringify({ argv: process.argv, cwd: process.cwd() }));
      renameSync(tmp, join(inbox, `${process.pid}.json`));
      return false;
    }
  }
  return false;
}

// --- the rest the main process may touch --------------------------------------------------------

export const powerMonitor = new EventEmitter();
export const dialog = {
  async showOpenDialog(): Promise<{ canceled: boolean; filePaths: string[] }> {
    record.dialogs++;
    changed();
    return { canceled: true, filePaths: [] };
  },
};
export const shell = {
  async openExternal(url: string): Promise<void> {
    record.openExternal.push(url);
    changed();
  },
  async openPath(): Promise<string> {
    return '';
  },
};
export const contextBridge = undefined;
export const ipcRenderer = undefined;
export default { app, BrowserWindow, Tray, Menu, Notification, nativeImage, ipcMain, dialog, shell, powerMonitor, contextBridge, ipcRenderer };

// --- the test's controls ------------------------------------------------------------------------

type Control =
  | { op: 'invoke'; channel: string; payload: unknown; frame: 'main' | 'subframe' | { url: string } }
  | { op: 'menu-click'; labels: string[] }
  | { op: 'tray-click' }
  | { op: 'notification-click'; index: number }
  | { op: 'window-close' }
  | { op: 'window-open'; url: string }
  | { op: 'power'; event: string }
  | { op: 'state' };

async function control(c: Control): Promise<unknown> {
  switch (c.op) {
    case 'invoke': {
      const fn = handlers.get(c.channel);
      if (!fn) throw new Error(`No handler registered for '${c.channel}'`);
      const w = BrowserWindow.getAllWindows()[0];
      const main = w?.webContents.mainFrame ?? { url: 'about:blank', parent: null };
      const senderFrame = c.frame === 'main' ? main : c.frame === 'subframe' ? { url: main.url, parent: main } : { url: c.frame.url, parent: null };
      return fn({ sender: w?.webContents, senderFrame, frameId: 1, processId: 1 }, c.payload);
    }
    case 'menu-click': {
      const tray = trays.filter((t) => !t.isDestroyed()).at(-1);
      const item = tray?.contextMenu()?.find(c.labels);
      if (!item?.click) throw new Error(`No clickable tray menu item ${JSON.stringify(c.labels)}`);
      if (item.enabled === false) throw new Error(`Tray menu item ${JSON.stringify(c.labels)} is disabled`);
      item.click(item, undefined, {});
      return null;
    }
    case 'tray-click':
      trays.at(-1)?.emit('click', {}, {});
      return null;
    case 'notification-click': {
      const shown = notes.filter((n) => (n.toRecord().shown as boolean) === true);
      const n = shown[c.index];
      if (!n) throw new Error(`No notification ${c.index}`);
      n.emit('click', {});
      return null;
    }
    case 'window-close':
      BrowserWindow.getAllWindows()[0]?.close();
      return null;
    case 'window-open': {
      const h = BrowserWindow.getAllWindows()[0]?.webContents.openHandler;
      return h ? h({ url: c.url }) : null;
    }
    case 'power':
      powerMonitor.emit(c.event);
      return null;
    case 'state':
      return snapshot();
  }
}

if (process.send) {
  process.on('message', (m: { id: number } & Control) => {
    void control(m).then(
      (value) => process.send?.({ type: 'reply', id: m.id, value: (value ?? null) as Json }),
      (err: unknown) => process.send?.({ type: 'reply', id: m.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}

// Like Electron's own loop, the app runs until it quits (or is killed), whatever else is pending.
setInterval(() => {}, 2 ** 31 - 1);

// Electron is ready once the main script's first turn is over.
setImmediate(() => {
  record.ready = true;
  app.emit('ready', {});
  readyResolve();
  changed();
});

export const standInFile = fileURLToPath(import.meta.url);

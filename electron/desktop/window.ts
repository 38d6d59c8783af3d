// The main window: sandboxed, context-isolated, no Node. There is one; closing it hides it
// (Reprise keeps running in the tray, or — where no tray can be shown — in the background until
// Quit is chosen in the window or the app is started again).
import { BrowserWindow, type WebContents } from 'electron';

export interface WindowOptions {
  readonly preload: string;
  readonly indexHtml: string;
  /** The window icon (Linux and Windows; macOS uses the app bundle's). */
  readonly icon?: string;
  /** True once quitting: then closing really closes. */
  readonly quitting: () => boolean;
  /** Called when a close only hid the window. */
  readonly onHidden?: () => void;
}

export interface MainWindow {
  /** Shows the window (creating it if needed) and resolves once its page has loaded. */
  show(): Promise<void>;
  /** The web contents events go to. */
  contents(): readonly WebContents[];
}

/** The web preferences of every Reprise window (the main-process test checks them). */
export const secureWebPreferences = (preload: string): Electron.WebPreferences => ({
  preload,
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
});

/** The controller of the one main window. */
export function mainWindow(o: WindowOptions): MainWindow {
  let win: BrowserWindow | null = null;
  let loaded: Promise<void> = Promise.resolve();

  const create = (): BrowserWindow => {
    const w = new BrowserWindow({
      width: 1100,
      height: 760,
      minWidth: 760,
      minHeight: 520,
      show: false,
      title: 'Reprise',
      ...(o.icon ? { icon: o.icon } : {}),
      webPreferences: secureWebPreferences(o.preload),
    });
    w.on('close', (e) => {
      if (o.quitting()) return;
      e.preventDefault();
      w.hide();
      o.onHidden?.();
    });
    w.on('closed', () => {
      if (win === w) win = null;
    });
    // The renderer subscribes to events while its scripts run, before the load finishes: an
    // event sent after this resolves is heard.
    loaded = new Promise<void>((resolve) => {
      w.webContents.once('did-finish-load', () => resolve());
      w.webContents.once('did-fail-load', () => resolve());
    });
    void w.loadFile(o.indexHtml);
    return w;
  };

  return {
    async show() {
      // A new window shows once its page is there (no white flash), an existing one at once.
      if (!win || win.isDestroyed()) {
        win = create();
        await loaded;
      }
      if (win.isDestroyed()) return;
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      await loaded;
    },
    contents: () => (win && !win.isDestroyed() ? [win.webContents] : []),
  };
}

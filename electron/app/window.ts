// The main window: sandboxed, context-isolated, no Node; closing it hides it (Reprise lives in the tray).
import { BrowserWindow, app } from 'electron';

export interface WindowPaths {
  readonly preload: string;
  readonly indexHtml: string;
}

/** Creates (hidden until ready) the main window. */
export function createMainWindow(paths: WindowPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Reprise',
    webPreferences: {
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('close', (e) => {
    // Keep running in the tray; Quit from the tray menu really quits.
    if (!(app as unknown as { isQuitting?: boolean }).isQuitting) {
      e.preventDefault();
      win.hide();
    }
  });
  void win.loadFile(paths.indexHtml);
  return win;
}

// The Electron composition root: single instance, security hooks, the core, the IPC transport,
// the tray and the window. Everything that does work lives in the core.
import { BrowserWindow, app, dialog, shell } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createCore } from './core/core.js';
import { resolveDataDir } from './core/data-dir.js';
import { electronStoreSettings } from './app/electron-store-settings.js';
import { createTray } from './app/tray.js';
import { createMainWindow } from './app/window.js';
import { registerElectronTransport } from './ipc/electron-transport.js';
import { isAuthorizeLink } from '../shared/remotes/auth-link.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..');
const indexHtml = join(outDir, 'renderer', 'index.html');
const preload = join(outDir, 'preload', 'preload.cjs');
const state = app as unknown as { isQuitting?: boolean };

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  const open = () => {
    if (!win || win.isDestroyed()) win = createMainWindow({ preload, indexHtml });
    win.show();
    win.focus();
  };
  app.on('second-instance', open);

  // No new windows, no navigation away from our page; https links (and rclone's sign-in page) open in the browser.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      // rclone's OAuth sign-in page is plain http on loopback (see shared/remotes/auth-link.ts).
      if (url.startsWith('https://') || isAuthorizeLink(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
  });

  void app.whenReady().then(() => {
    const dataDir = resolveDataDir(process.env.REPRISE_DATA_DIR);
    const core = createCore({
      dataDir,
      host: 'electron',
      settings: electronStoreSettings(dataDir),
      startAtLogin: { get: () => app.getLoginItemSettings().openAtLogin, set: (openAtLogin) => app.setLoginItemSettings({ openAtLogin }) },
    });
    const handlers: typeof core.handlers = {
      ...core.handlers,
      // The job form's "Choose…" button: a native folder dialog over the main window.
      'app:pick-folder': async (req) => {
        const win = BrowserWindow.getFocusedWindow();
        const options: Electron.OpenDialogOptions = { properties: ['openDirectory', 'createDirectory'], ...(req.title ? { title: req.title } : {}) };
        const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
        return { ok: true, value: { path: r.canceled ? null : (r.filePaths[0] ?? null) } };
      },
    };
    registerElectronTransport(handlers, core.events, pathToFileURL(indexHtml).href, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
    const disposeTray = createTray(core, {
      open,
      // The window's store opens the run when it sees this page in the URL hash.
      openRun: (runId) => {
        open();
        for (const w of BrowserWindow.getAllWindows()) void w.webContents.executeJavaScript(`location.hash = '#run=${Number(runId)}'`);
      },
      openRestore: open,
      quit: () => {
        state.isQuitting = true;
        app.quit();
      },
    });
    let closed = false;
    app.on('before-quit', (e) => {
      state.isQuitting = true;
      if (closed) return;
      e.preventDefault();
      closed = true;
      disposeTray();
      void core.close().finally(() => app.quit());
    });
    open();
    process.stdout.write('REPRISE_READY\n');
  });
  // Reprise lives in the tray: closing every window does not quit.
  app.on('window-all-closed', () => {});
}

// The Electron composition root: single instance, security hooks, the core, the IPC transport,
// the tray, notifications and the window. Everything that does work lives in the core; the tray
// and this file reach it only through the contract (dispatch and events), like the window does.
import { app, dialog, nativeImage, powerMonitor, shell, BrowserWindow } from 'electron';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Handlers } from '../../shared/contract.js';
import { fail, ok } from '../../shared/result.js';
import type { TrayImage } from '../../shared/tray-state.js';
import { isAuthorizeLink } from '../../shared/remotes/auth-link.js';
import { openCore, resolveDataDir } from '../core/api/host.js';
import { electronStoreSettings } from './electron-store-settings.js';
import { type Notifier, notifier } from './notifications.js';
import { resourcesDir } from './resources.js';
import { HIDDEN_ARG, relaunchCommand, startAtLogin } from './start-at-login.js';
import { linuxTraySize, trayImageFiles } from './tray-images.js';
import { hasStatusNotifierWatcher, traySupport } from './tray-support.js';
import { createTray } from './tray.js';
import { mainWindow } from './window.js';
import { registerElectronTransport } from './electron-transport.js';
import { localClient } from '../core/api/local-client.js';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', '..');
const indexHtml = join(outDir, 'renderer', 'index.html');
const preload = join(outDir, 'preload', 'preload.cjs');

// A data dir given by REPRISE_DATA_DIR is a profile of its own: its own Electron profile too, so
// the single-instance lock (which Electron keeps per userData folder) is per data dir.
if (process.env.REPRISE_DATA_DIR) app.setPath('userData', join(resolveDataDir(process.env.REPRISE_DATA_DIR), 'electron'));

if (!app.requestSingleInstanceLock()) {
  // Another Reprise runs on this profile: it shows its window (second-instance), this one leaves.
  app.quit();
} else {
  let quitting = false;
  let showWindow: () => Promise<void> = async () => {};
  app.on('second-instance', () => void showWindow());
  // macOS: a click on the Dock icon with no window open.
  app.on('activate', () => void showWindow());

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
  // Reprise lives in the tray: closing every window does not quit.
  app.on('window-all-closed', () => {});

  void app.whenReady().then(async () => {
    const dataDir = resolveDataDir(process.env.REPRISE_DATA_DIR);
    const resources = resourcesDir(app.isPackaged);
    const appIcon = join(resources, 'icon.png');
    const door = openCore({
      dataDir,
      host: 'electron',
      settings: electronStoreSettings(dataDir),
      startAtLogin: startAtLogin({
        platform: process.platform,
        env: process.env,
        loginItems: app,
        command: relaunchCommand({ env: process.env, execPath: process.execPath, isPackaged: app.isPackaged, appPath: app.getAppPath() }),
      }),
    });
    const tray = traySupport({ platform: process.platform, env: process.env, statusNotifierWatcher: () => hasStatusNotifierWatcher(process.env) });
    if (!tray.available) process.stderr.write(`reprise: no tray icon (${tray.reason}); the window stays open instead\n`);

    let notes: Notifier | null = null;
    let hiddenNoticeShown = false;
    const window = mainWindow({
      preload,
      indexHtml,
      icon: appIcon,
      quitting: () => quitting,
      // Without a tray a hidden window is easy to lose: say once how to get back.
      onHidden: () => {
        if (tray.available || hiddenNoticeShown) return;
        hiddenNoticeShown = true;
        notes?.notice('Reprise is still running', 'Your backups keep running in the background. Start Reprise again to open its window; quit from there.');
      },
    });
    showWindow = () => window.show();

    // The desktop host's handlers: the core's, plus what only a desktop can do.
    const handlers: Handlers = {
      ...door.handlers,
      'app:info': async (req) => {
        const r = await door.handlers['app:info'](req);
        return r.ok ? ok({ ...r.value, desktop: { trayAvailable: tray.available } }) : r;
      },
      // Show the window first, then tell it (and anyone else listening) where to go.
      'app:open': async (req) => {
        await window.show();
        return door.handlers['app:open'](req);
      },
      'app:quit': async () => {
        setImmediate(() => app.quit());
        return ok({ quitting: true as const });
      },
      // A mount's "Open folder": folders only, so a request can never make the desktop run a file.
      'app:open-folder': async (req) => {
        let folder = false;
        try {
          folder = statSync(req.path).isDirectory();
        } catch {
          // missing: said below
        }
        if (!folder) return fail('not-found', `There is no folder ${req.path}.`, { hint: 'Is it still mounted?' });
        const problem = await shell.openPath(req.path);
        return problem ? fail('exit-code', `The folder could not be opened: ${problem}`) : ok({ opened: true as const });
      },
      // The job form's "Choose…" button: a native folder dialog over the main window.
      'app:pick-folder': async (req) => {
        const win = BrowserWindow.getFocusedWindow();
        const options: Electron.OpenDialogOptions = { properties: ['openDirectory', 'createDirectory'], ...(req.title ? { title: req.title } : {}) };
        const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
        return ok({ path: r.canceled ? null : (r.filePaths[0] ?? null) });
      },
    };
    const disposeTransport = registerElectronTransport(handlers, door.events, pathToFileURL(indexHtml).href, () => window.contents());
    const client = localClient(handlers, door.events);
    notes = notifier(client, appIcon);

    const image = (img: TrayImage) => {
      const files = trayImageFiles(process.platform, img, linuxTraySize(process.env));
      const picture = nativeImage.createFromPath(join(resources, files.file));
      for (const r of files.representations) picture.addRepresentation({ scaleFactor: r.scaleFactor, buffer: readFileSync(join(resources, r.file)) });
      if (files.template) picture.setTemplateImage(true);
      return picture;
    };
    const disposeTray = tray.available ? await createTray({ client, image, notifier: notes }) : () => {};
    const disposeNotes = notes.dispose;

    // After sleep the schedules look at once (catch-up), instead of at the next timer.
    const onResume = () => void client.invoke('scheduler:wake', {});
    powerMonitor.on('resume', onResume);

    let closed = false;
    app.on('before-quit', (e) => {
      quitting = true;
      if (closed) return;
      // Runs are cancelled, mounts unmounted and the database closed before the process ends.
      e.preventDefault();
      closed = true;
      powerMonitor.off('resume', onResume);
      disposeTray();
      disposeNotes();
      disposeTransport();
      void door.close().finally(() => app.quit());
    });

    // Started at login: stay in the tray. Without a tray the window is the only way in.
    const openedAtLogin = process.argv.includes(HIDDEN_ARG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
    if (!openedAtLogin || !tray.available) await window.show();
    process.stdout.write('REPRISE_READY\n');
  });
}

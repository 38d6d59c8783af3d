// The tray: draws the core's tray state (icon, tooltip, menu) and runs the menu's actions.
// The state itself is computed in the core (shared/tray-state.ts) and published as `tray:state`,
// so the tray and the browser header always agree.
import { Menu, Notification, Tray, app, nativeImage, powerMonitor } from 'electron';
import type { AppNotification } from '../../shared/alerts.js';
import type { TrayAction, TrayIcon, TrayState } from '../../shared/tray-state.js';
import type { Core } from '../core/core.js';
import { trayBitmap, type TrayTone } from './tray-icon.js';
import { menuTemplate } from './tray-menu.js';

export interface TrayActions {
  open(): void;
  /** Opens the window on a run (a notification or a recent-runs entry was clicked). */
  openRun(runId: number): void;
  openRestore(): void;
  quit(): void;
}

const tones: Record<TrayIcon, TrayTone> = { 'idle-ok': 'ok', running: 'busy', warning: 'warn', error: 'bad' };

/** Creates the tray and keeps it current; returns a disposer. */
export function createTray(core: Core, actions: TrayActions): () => void {
  const images = new Map<TrayTone, Electron.NativeImage>();
  const image = (tone: TrayTone) => {
    let img = images.get(tone);
    if (!img) images.set(tone, (img = nativeImage.createFromBitmap(trayBitmap(tone, 32), { width: 32, height: 32, scaleFactor: 2 })));
    return img;
  };
  const tray = new Tray(image('muted'));

  const act = (a: TrayAction): void => {
    switch (a.type) {
      case 'run-now': {
        const job = core.jobs.list().find((j) => j.id === a.jobId);
        if (job) void core.handlers['runs:start']({ name: job.name, dryRun: false, trigger: 'manual' });
        return;
      }
      case 'cancel':
        core.scheduler.cancelJob(a.jobId);
        return;
      case 'pause':
        core.scheduler.pause(a.choice);
        return;
      case 'resume':
        core.scheduler.resume();
        return;
      case 'open':
        return actions.open();
      case 'open-run':
        return actions.openRun(a.runId);
      case 'restore':
        return actions.openRestore();
      case 'toggle-start-at-login':
        app.setLoginItemSettings({ openAtLogin: !app.getLoginItemSettings().openAtLogin });
        core.scheduler.tick();
        return;
      case 'quit':
        return actions.quit();
      default: {
        const never: never = a;
        throw new Error(`Unknown tray action ${JSON.stringify(never)}`);
      }
    }
  };

  const draw = (state: TrayState) => {
    tray.setImage(image(state.jobs.length === 0 ? 'muted' : tones[state.icon]));
    tray.setToolTip(state.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(state.menu, act)));
  };

  const notify = (n: AppNotification) => {
    if (!Notification.isSupported()) return;
    const note = new Notification({ title: n.title, body: n.body, urgency: n.severity === 'error' ? 'critical' : 'normal' });
    note.on('click', () => (n.runId !== null ? actions.openRun(n.runId) : actions.open()));
    note.show();
  };

  // After sleep the schedules look at once (catch-up), instead of at the next timer.
  const onResume = () => core.scheduler.tick();
  powerMonitor.on('resume', onResume);
  const offs = [core.events.on('tray:state', draw), core.events.on('notifications:raised', notify)];
  tray.on('click', actions.open);
  draw(core.scheduler.trayState());
  return () => {
    powerMonitor.off('resume', onResume);
    for (const off of offs) off();
    tray.destroy();
  };
}

// The tray: draws the core's tray state (picture, tooltip, menu) and turns menu clicks into
// contract commands, through the same dispatch the window uses. A command that fails says so in a
// notification: a click in the tray has nowhere else to show an error.
import { Menu, Tray, type NativeImage } from 'electron';
import type { Bridge, CommandName, Req } from '../../shared/contract.js';
import type { TrayAction, TrayImage, TrayState } from '../../shared/tray-state.js';
import type { Notifier } from './notifications.js';
import { menuTemplate } from './tray-menu.js';

export interface TrayDeps {
  readonly client: Bridge;
  /** The picture for a state (from resources/tray, see tray-images.ts). */
  readonly image: (image: TrayImage) => NativeImage;
  readonly notifier: Notifier;
}

/** Creates the tray and keeps it current; resolves to a disposer. */
export async function createTray({ client, image, notifier }: TrayDeps): Promise<() => void> {
  const images = new Map<TrayImage, NativeImage>();
  const picture = (img: TrayImage) => {
    let p = images.get(img);
    if (!p) images.set(img, (p = image(img)));
    return p;
  };
  const tray = new Tray(picture('no-jobs'));
  let state: TrayState | null = null;

  const run = async <K extends CommandName>(title: string, name: K, req: Req<K>) => {
    const r = await client.invoke(name, req);
    if (!r.ok) notifier.failure(title, r.error);
  };
  const jobName = (jobId: string) => state?.jobs.find((j) => j.jobId === jobId)?.name;

  const act = (a: TrayAction): void => {
    switch (a.type) {
      case 'run-now': {
        const name = jobName(a.jobId);
        if (name) void run(`Could not back up “${name}”`, 'runs:start', { name, dryRun: false, trigger: 'manual' });
        return;
      }
      case 'cancel': {
        const name = jobName(a.jobId);
        if (name) void run(`Could not cancel “${name}”`, 'jobs:cancel', { name });
        return;
      }
      case 'pause':
        return void run('Could not pause the schedules', 'scheduler:pause', { choice: a.choice });
      case 'resume':
        return void run('Could not resume the schedules', 'scheduler:resume', {});
      case 'open':
        return void run('Could not open Reprise', 'app:open', { view: 'dashboard' });
      case 'open-run':
        return void run('Could not open the run', 'app:open', { view: 'run', runId: a.runId });
      case 'restore':
        return void run('Could not open Restore', 'app:open', { view: 'restore' });
      case 'toggle-start-at-login':
        return void run('Could not change “Start at login”', 'app:set-start-at-login', { enabled: !(state?.startAtLogin ?? false) });
      case 'quit':
        return void run('Could not quit Reprise', 'app:quit', {});
      default: {
        const never: never = a;
        throw new Error(`Unknown tray action ${JSON.stringify(never)}`);
      }
    }
  };

  const draw = (next: TrayState) => {
    if (tray.isDestroyed()) return;
    state = next;
    tray.setImage(picture(next.image));
    tray.setToolTip(next.tooltip);
    tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(next.menu, act)));
  };

  const off = client.on('tray:state', draw);
  // Linux trays open the menu on click; elsewhere a click opens the window.
  tray.on('click', () => act({ type: 'open' }));
  const first = await client.invoke('tray:get', {});
  if (first.ok && state === null) draw(first.value);
  return () => {
    off();
    tray.destroy();
  };
}

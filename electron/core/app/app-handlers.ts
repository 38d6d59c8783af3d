// The contract's app:* commands as the core answers them: what this Reprise is, where the windows
// should go, and the start-at-login switch. What only a desktop can do (show a native dialog, open
// a folder, quit) is refused here; the desktop host answers those itself.
import type { Handlers } from '../../../shared/contract.js';
import type { ToolInfo } from '../../../shared/model.js';
import { fail, ok } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import { repriseVersion } from '../version.js';

type AppHandlers = Pick<Handlers, 'app:info' | 'app:open' | 'app:set-start-at-login' | 'app:quit' | 'app:open-folder' | 'app:pick-folder'>;

/** The OS seam behind "Start at login": XDG autostart on Linux, login items on macOS/Windows. */
export interface StartAtLogin {
  get(): boolean;
  set(enabled: boolean): void | Promise<void>;
}

export interface AppHandlerDeps {
  readonly dataDir: string;
  readonly host: 'electron' | 'serve' | 'cli';
  readonly events: EventBus;
  readonly tools: () => Promise<readonly ToolInfo[]>;
  /** What the core said once at start (a damaged database replaced, …). */
  readonly notices: readonly string[];
  /** The desktop app's switch (absent in the CLI and serve). */
  readonly startAtLogin?: StartAtLogin;
  /** The tray menu and the Settings page show the switch: publish the state they read. */
  readonly publish: () => void;
}

/** The app:* handlers. */
export function appHandlers(d: AppHandlerDeps): AppHandlers {
  return {
    'app:info': async () => ok({ version: repriseVersion(), dataDir: d.dataDir, host: d.host === 'electron' ? 'electron' : 'serve', tools: await d.tools(), desktop: null, notices: d.notices }),
    // Every window (and browser tab) hears where to go; the desktop host also shows its window first.
    'app:open': async (req) => {
      d.events.emit('app:navigate', req);
      return ok({ opened: true });
    },
    'app:set-start-at-login': async (req) => {
      if (!d.startAtLogin) return fail('invalid-request', 'Starting at login is a setting of the desktop app.', { hint: 'For reprise serve, start it from your init system (a systemd user unit, for example).' });
      await d.startAtLogin.set(req.enabled);
      d.publish();
      return ok({ enabled: d.startAtLogin.get() });
    },
    'app:quit': async () => fail('invalid-request', 'Only the desktop app quits from its window.', { hint: 'Stop reprise serve with Ctrl-C where it runs.' }),
    'app:open-folder': async () => fail('invalid-request', 'Opening a folder in the file manager needs the desktop app.', { hint: 'In a browser, use Browse to look inside it.' }),
    'app:pick-folder': async () => fail('invalid-request', "Choosing a folder needs the desktop app; type the folder's path instead."),
  };
}

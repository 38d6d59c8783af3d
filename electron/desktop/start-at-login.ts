// "Start at login" on each platform. macOS and Windows: Electron's login items. Linux has none
// (app.setLoginItemSettings does nothing there): an XDG autostart entry in
// $XDG_CONFIG_HOME/autostart (default ~/.config/autostart), per the freedesktop Desktop
// Application Autostart Specification. Either way Reprise starts with --hidden: in the tray.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { StartAtLogin } from '../core/api/host.js';

/** The argument that starts Reprise in the tray without opening its window. */
export const HIDDEN_ARG = '--hidden';
const FILE_NAME = 'reprise.desktop';

export interface LoginItems {
  getLoginItemSettings(): { readonly openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

export interface StartAtLoginOptions {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly loginItems: LoginItems;
  /** How to start this app again: the executable and its arguments (before --hidden). */
  readonly command: readonly string[];
  readonly home?: string;
}

/** The autostart entry's path: $XDG_CONFIG_HOME/autostart/reprise.desktop (only an absolute XDG_CONFIG_HOME counts, as the spec says). */
export function autostartPath(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const config = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(config, 'autostart', FILE_NAME);
}

// Desktop Entry Exec quoting: every argument in double quotes with ", `, $ and \ escaped by a
// backslash; then the string-value escape doubles each backslash; % starts a field code, so %%.
function execArg(arg: string): string {
  const quoted = `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

/** The autostart entry that starts `command --hidden`. */
export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Reprise',
    'Comment=Keeps your music library backed up',
    `Exec=${[...command, HIDDEN_ARG].map(execArg).join(' ')}`,
    'Icon=reprise',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** The start-at-login switch for this platform. */
export function startAtLogin(o: StartAtLoginOptions): StartAtLogin {
  if (o.platform !== 'linux') {
    return {
      get: () => o.loginItems.getLoginItemSettings().openAtLogin,
      // args: Windows starts the registered executable with them; macOS ignores them (see wasOpenedAtLogin).
      set: (enabled) => o.loginItems.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] }),
    };
  }
  const path = autostartPath(o.env, o.home);
  return {
    // A user may switch an entry off by hand (Hidden=true, or GNOME's X-GNOME-Autostart-enabled=false).
    get: () => existsSync(path) && !/^(Hidden=true|X-GNOME-Autostart-enabled=false)\s*$/m.test(readFileSync(path, 'utf8')),
    set: (enabled) => {
      if (!enabled) {
        rmSync(path, { force: true });
        return;
      }
      mkdirSync(join(path, '..'), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, autostartEntry(o.command), { mode: 0o644 });
      renameSync(tmp, path);
    },
  };
}

/** How to start this app again: the AppImage file (not its temporary mount), the packaged binary, or electron with the app folder. */
export function relaunchCommand(o: { readonly env: NodeJS.ProcessEnv; readonly execPath: string; readonly isPackaged: boolean; readonly appPath: string }): string[] {
  if (o.env.APPIMAGE) return [o.env.APPIMAGE];
  return o.isPackaged ? [o.execPath] : [o.execPath, o.appPath];
}

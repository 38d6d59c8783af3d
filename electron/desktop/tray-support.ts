// Whether this desktop can show a tray icon at all. Electron cannot tell
// (https://github.com/electron/electron/issues/5872): on Linux it registers a StatusNotifierItem,
// and where no StatusNotifierWatcher runs (GNOME without the AppIndicator extension,
// https://github.com/electron/electron/issues/10427) the icon silently goes nowhere. Then the
// window must stay the way in and out.
import { spawnSync } from 'node:child_process';

export interface TraySupport {
  readonly available: boolean;
  /** Why not, in words for the log. */
  readonly reason: string | null;
}

export interface TrayProbe {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** Whether a StatusNotifierWatcher owns its D-Bus name; null when that cannot be asked. */
  readonly statusNotifierWatcher: () => boolean | null;
}

/** Decides whether to show a tray icon or keep the window instead. */
export function traySupport(p: TrayProbe): TraySupport {
  const wish = p.env.REPRISE_TRAY?.toLowerCase();
  if (wish === 'off' || wish === '0') return { available: false, reason: 'REPRISE_TRAY is off' };
  if (wish === 'on' || wish === '1' || p.platform !== 'linux') return { available: true, reason: null };
  const watcher = p.statusNotifierWatcher();
  if (watcher !== false) return { available: true, reason: null };
  // No watcher: XEmbed trays (older XFCE, MATE, i3bar) still show icons; GNOME shows none.
  const desktop = `${p.env.XDG_CURRENT_DESKTOP ?? ''}:${p.env.XDG_SESSION_DESKTOP ?? ''}:${p.env.DESKTOP_SESSION ?? ''}`;
  if (/gnome|ubuntu|pop|unity/i.test(desktop)) return { available: false, reason: 'GNOME shows tray icons only with the AppIndicator extension' };
  return { available: true, reason: null };
}

/** Asks the session bus whether org.kde.StatusNotifierWatcher has an owner (gdbus, else dbus-send). */
export function hasStatusNotifierWatcher(env: NodeJS.ProcessEnv = process.env): boolean | null {
  if (!env.DBUS_SESSION_BUS_ADDRESS) return null;
  const name = 'org.kde.StatusNotifierWatcher';
  const asks: readonly (readonly [string, readonly string[]])[] = [
    ['gdbus', ['call', '--session', '--dest', 'org.freedesktop.DBus', '--object-path', '/org/freedesktop/DBus', '--method', 'org.freedesktop.DBus.NameHasOwner', name]],
    ['dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`]],
  ];
  for (const [cmd, args] of asks) {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 2000, env });
    if (r.error || r.status !== 0) continue;
    if (/\btrue\b/.test(r.stdout)) return true;
    if (/\bfalse\b/.test(r.stdout)) return false;
  }
  return null;
}

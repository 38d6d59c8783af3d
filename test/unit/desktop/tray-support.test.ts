// Whether to show a tray icon or keep the window: GNOME without a StatusNotifierWatcher shows no
// tray icons at all; elsewhere a tray (SNI or XEmbed) is assumed.
import { describe, expect, it } from 'vitest';
import { traySupport } from '../../../electron/desktop/tray-support.js';

describe('traySupport', () => {
  it.each([
    ['macOS', 'darwin', {}, null, true],
    ['Windows', 'win32', {}, null, true],
    ['KDE (a watcher)', 'linux', { XDG_CURRENT_DESKTOP: 'KDE' }, true, true],
    ['GNOME with AppIndicator (a watcher)', 'linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, true, true],
    ['GNOME without AppIndicator', 'linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, false, false],
    ['Ubuntu session without the extension', 'linux', { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' }, false, false],
    ['XFCE without a watcher (XEmbed tray)', 'linux', { XDG_CURRENT_DESKTOP: 'XFCE' }, false, true],
    ['no session bus to ask', 'linux', { XDG_CURRENT_DESKTOP: 'GNOME' }, null, true],
    ['REPRISE_TRAY=off', 'linux', { XDG_CURRENT_DESKTOP: 'KDE', REPRISE_TRAY: 'off' }, true, false],
    ['REPRISE_TRAY=on on GNOME', 'linux', { XDG_CURRENT_DESKTOP: 'GNOME', REPRISE_TRAY: 'on' }, false, true],
  ] as const)('%s', (_name, platform, env, watcher, available) => {
    const r = traySupport({ platform, env, statusNotifierWatcher: () => watcher });
    expect(r.available).toBe(available);
    if (!available) expect(r.reason).toBeTruthy();
  });
});

// Start at login: the XDG autostart entry on Linux (honouring XDG_CONFIG_HOME), Electron's login
// items elsewhere, and an Exec line that survives any path.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartEntry, autostartPath, relaunchCommand, startAtLogin } from '../../../electron/desktop/start-at-login.js';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'reprise-login-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const noLoginItems = {
  getLoginItemSettings: () => {
    throw new Error('Linux has no login items');
  },
  setLoginItemSettings: () => {
    throw new Error('Linux has no login items');
  },
};

describe('autostartPath', () => {
  it('is $XDG_CONFIG_HOME/autostart/reprise.desktop, or ~/.config when it is unset or relative', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x/conf' }, '/home/me')).toBe('/x/conf/autostart/reprise.desktop');
    expect(autostartPath({}, '/home/me')).toBe('/home/me/.config/autostart/reprise.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative/conf' }, '/home/me')).toBe('/home/me/.config/autostart/reprise.desktop');
  });
});

describe('autostartEntry', () => {
  it('quotes every argument as the Desktop Entry spec says, and starts hidden', () => {
    const entry = autostartEntry(['/opt/My Apps/reprise', '/tmp/a"b$c`d\\e%f']);
    expect(entry).toContain('[Desktop Entry]\nType=Application\n');
    const exec = /^Exec=(.*)$/m.exec(entry)![1];
    expect(exec).toBe('"/opt/My Apps/reprise" "/tmp/a\\\\"b\\\\$c\\\\`d\\\\\\\\e%%f" "--hidden"');
  });
});

describe('startAtLogin on Linux', () => {
  it('writes, reads and removes the autostart entry', () => {
    const conf = temp();
    const s = startAtLogin({ platform: 'linux', env: { XDG_CONFIG_HOME: conf }, loginItems: noLoginItems, command: ['/opt/Reprise/reprise'] });
    const file = join(conf, 'autostart', 'reprise.desktop');
    expect(s.get()).toBe(false);
    void s.set(true);
    expect(s.get()).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^Exec="\/opt\/Reprise\/reprise" "--hidden"$/m);
    void s.set(false);
    expect(existsSync(file)).toBe(false);
    expect(s.get()).toBe(false);
  });

  it('reads an entry switched off by hand as off', () => {
    const conf = temp();
    const s = startAtLogin({ platform: 'linux', env: { XDG_CONFIG_HOME: conf }, loginItems: noLoginItems, command: ['/r'] });
    void s.set(true);
    const file = join(conf, 'autostart', 'reprise.desktop');
    writeFileSync(file, readFileSync(file, 'utf8').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(s.get()).toBe(false);
  });
});

describe('startAtLogin on macOS and Windows', () => {
  it.each(['darwin', 'win32'] as const)('uses Electron login items on %s, starting hidden', (platform) => {
    let state = { openAtLogin: false };
    const calls: unknown[] = [];
    const s = startAtLogin({
      platform,
      env: {},
      command: ['x'],
      loginItems: { getLoginItemSettings: () => state, setLoginItemSettings: (v) => (calls.push(v), (state = { openAtLogin: v.openAtLogin })) },
    });
    void s.set(true);
    expect(s.get()).toBe(true);
    expect(calls).toEqual([{ openAtLogin: true, args: ['--hidden'] }]);
  });
});

describe('relaunchCommand', () => {
  it('starts the AppImage file, the packaged binary, or electron with the app folder', () => {
    expect(relaunchCommand({ env: { APPIMAGE: '/home/me/Reprise.AppImage' }, execPath: '/tmp/.mount_x/reprise', isPackaged: true, appPath: '/x' })).toEqual(['/home/me/Reprise.AppImage']);
    expect(relaunchCommand({ env: {}, execPath: '/opt/Reprise/reprise', isPackaged: true, appPath: '/x' })).toEqual(['/opt/Reprise/reprise']);
    expect(relaunchCommand({ env: {}, execPath: '/repo/node_modules/electron/dist/electron', isPackaged: false, appPath: '/repo' })).toEqual(['/repo/node_modules/electron/dist/electron', '/repo']);
  });
});

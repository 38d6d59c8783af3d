// The Electron main process, built, run under plain Node with a stand-in `electron` module (no
// Electron binary exists here or in CI), driven with the real core, rclone and rsync in a temp
// data dir: single instance, the window's security, every contract command behind a sender check,
// the tray through runs that succeed, are cancelled and fail, notifications and their clicks,
// Start at login, no-tray mode, and quit unmounting and closing the core.
// The real Electron spec (test/e2e/electron.spec.ts) runs where a binary exists.
import { execa } from 'execa';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkFuse } from '../../../electron/core/mounts/fuse-check.js';
import { readRcloneMounts } from '../../../electron/core/mounts/mount-table.js';
import { commandNames } from '../../../shared/contract.js';
import type { RunSummary } from '../../../shared/model.js';
import { type DesktopApp, eventsSent, launchDesktop, menuLabels, trayOf, windowOf } from '../../support/desktop-harness.js';
import { makeLibrary, sameTree } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const resources = join(repo, 'resources');
const picture = (name: string) => join(resources, 'tray', 'linux', `${name}-22.png`);
const fuse = await checkFuse();

const apps: DesktopApp[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) {
    a.kill();
    await a.exited;
  }
});
afterAll(cleanupTempDirs);

/** A fresh profile: data dir, home, XDG config, an rclone config; no desktop session bus. */
function profile() {
  const root = tempDir();
  const env = {
    REPRISE_DATA_DIR: join(root, 'data'),
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'config'),
    RCLONE_CONFIG: join(root, 'rclone.conf'),
    DBUS_SESSION_BUS_ADDRESS: undefined,
    REPRISE_TRAY: undefined,
    APPIMAGE: undefined,
  };
  mkdirSync(env.HOME, { recursive: true });
  writeFileSync(env.RCLONE_CONFIG, '');
  return { root, env };
}

function launch(env: Record<string, string | undefined>, args: string[] = []): DesktopApp {
  const app = launchDesktop(env, args);
  apps.push(app);
  return app;
}

const okResult = (r: unknown) => {
  expect(r, JSON.stringify(r)).toMatchObject({ ok: true });
  return (r as { value: unknown }).value;
};

describe('the Electron main process (stand-in electron, real core)', () => {
  it('is one instance per profile, opens a locked-down window and answers only its own page', async () => {
    const { env } = profile();
    const a = launch(env);
    const s = await a.waitFor('the window and the tray', (s) => s.ready && windowOf(s)?.visible && trayOf(s) && s);
    expect(s.singleInstance).toBe('acquired');

    const w = windowOf(s)!;
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false });
    expect(existsSync(String(w.options.webPreferences!.preload))).toBe(true);
    expect(w.url).toBe(pathToFileURL(join(repo, 'out', 'renderer', 'index.html')).href);
    expect(w.options.icon).toBe(join(resources, 'icon.png'));
    // No new windows: https links go to the browser, anything else nowhere.
    expect(await a.windowOpen('https://rclone.org/docs/')).toEqual({ action: 'deny' });
    expect(await a.windowOpen('file:///etc/passwd')).toEqual({ action: 'deny' });
    await a.waitFor('the link opened in the browser', (s) => s.openExternal.includes('https://rclone.org/docs/'));
    expect(a.state().openExternal).toEqual(['https://rclone.org/docs/']);

    // Every contract command has its channel, and nothing else is handled.
    expect([...s.ipcHandlers].sort()).toEqual(commandNames.map((n) => `reprise:cmd:${n}`).sort());
    expect(okResult(await a.invoke('app:info', {}))).toMatchObject({ host: 'electron', desktop: { trayAvailable: true } });
    for (const frame of [{ url: 'https://evil.example/' }, { url: 'file:///tmp/other.html' }, 'subframe'] as const) {
      expect(await a.invoke('jobs:list', {}, frame), JSON.stringify(frame)).toMatchObject({ ok: false, error: { kind: 'unauthorized' } });
    }
    expect(await a.invoke('jobs:add', { name: 42 })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });

    // Closing the window hides it; a second start of the same profile shows it and leaves.
    await a.closeWindow();
    await a.waitFor('the window hidden, not closed', (s) => windowOf(s)?.visible === false && !windowOf(s)?.destroyed);
    const b = launch(env);
    expect(await b.exited, b.output()).toBe(0);
    expect(b.state()).toMatchObject({ singleInstance: 'refused', windows: [], trays: [] });
    await a.waitFor('the first instance showing its window again', (s) => s.appEvents.includes('second-instance') && windowOf(s)?.visible && windowOf(s)?.focused);
    expect(a.state().windows).toHaveLength(1);
  });

  it('shows a run that succeeds, a pause, a cancelled run and a failed one in the tray; the failure notification opens that run', async () => {
    const { root, env } = profile();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], tracksPerAlbum: 2 });
    const a = launch(env);
    let t = await a.waitFor('the tray', (s) => trayOf(s));
    expect(t.image).toMatchObject({ path: picture('no-jobs'), exists: true, template: false });
    expect(t.image.representations).toEqual([{ scaleFactor: 48 / 22, bytes: readFileSync(join(resources, 'tray', 'linux', 'no-jobs-48.png')).length }]);
    expect(t.tooltip).toBe('No backup jobs yet');

    // The window creates a job; the tray follows.
    okResult(await a.invoke('jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'backup') }] }));
    t = await a.waitFor('the ok picture', (s) => trayOf(s)?.image.path === picture('ok') && trayOf(s));
    expect(menuLabels(t)).toContain('Back up now');

    await a.clickMenu('Back up now');
    const good = await a.waitFor('the run finished', (s) => eventsSent(s, 'runs:finished')[0] as RunSummary | undefined);
    expect(good).toMatchObject({ jobName: 'Music', outcome: 'success', trigger: 'manual' });
    t = await a.waitFor('the tooltip after the run', (s) => /^Last backup: just now ✓$/.test(trayOf(s)?.tooltip ?? '') && trayOf(s));
    expect(t.image.path).toBe(picture('ok'));
    expect(t.images.slice(t.images.indexOf(picture('running')))).toEqual([picture('running'), picture('ok')]);
    expect(t.menu![0]).toMatchObject({ label: 'All backups OK · backed up just now', enabled: false });
    expect(sameTree(music, join(root, 'backup', 'Music'))).toBe(true);

    // Pause and resume from the tray.
    await a.clickMenu('Pause schedules', 'For 1 hour');
    t = await a.waitFor('the paused picture', (s) => trayOf(s)?.image.path === picture('paused') && trayOf(s));
    expect(t.tooltip).toMatch(/Schedules paused for 1 h more/);
    await a.clickMenu('Resume schedules');
    await a.waitFor('the ok picture again', (s) => trayOf(s)?.image.path === picture('ok'));

    // A slow run, cancelled from the tray.
    const big = join(root, 'Big');
    makeLibrary(big, { artists: ['Motörhead'], tracksPerAlbum: 4, trackBytes: 1_000_000 });
    okResult(await a.invoke('jobs:add', { name: 'Big', sources: [big], destinations: [{ kind: 'copy', target: join(root, 'big-backup') }], bwlimit: '200k' }));
    await a.waitFor('a menu entry per job', (s) => menuLabels(trayOf(s)).includes('Back up “Big” now'));
    await a.clickMenu('Back up “Big” now');
    await a.waitFor('Big running, with a Cancel entry', (s) => trayOf(s)?.image.path === picture('running') && menuLabels(trayOf(s)).includes('Cancel “Big” backup'));
    await a.clickMenu('Cancel “Big” backup');
    const cancelled = await a.waitFor('the cancelled run', (s) => (eventsSent(s, 'runs:finished') as RunSummary[]).find((r) => r.jobName === 'Big'));
    expect(cancelled.outcome).toBe('cancelled');

    // A job whose source vanished (an unmounted disk) fails: error picture, notification.
    const gone = join(root, 'Gone');
    makeLibrary(gone, { artists: ['A'] });
    okResult(await a.invoke('jobs:add', { name: 'Gone', sources: [gone], destinations: [{ kind: 'copy', target: join(root, 'gone-backup') }] }));
    rmSync(gone, { recursive: true, force: true });
    await a.waitFor('the Gone entry', (s) => menuLabels(trayOf(s)).includes('Back up “Gone” now'));
    await a.clickMenu('Back up “Gone” now');
    const failed = await a.waitFor('the failed run', (s) => (eventsSent(s, 'runs:finished') as RunSummary[]).find((r) => r.jobName === 'Gone'));
    expect(failed.outcome).toBe('failed');
    // The run's end reaches the tray in two steps (history, then the live list): wait for both.
    t = await a.waitFor('the error picture, the run no longer live', (s) => trayOf(s)?.image.path === picture('error') && !trayOf(s)!.tooltip.includes('backing up') && trayOf(s));
    expect(t.tooltip).toContain('Gone: failed just now ✗');
    expect(t.menu![0]!.label).toBe('Gone failed just now');
    const index = await a.waitFor('the failure notification', (s) => {
      const i = s.notifications.findIndex((n) => n.title === 'Gone backup failed');
      return i >= 0 ? i : undefined;
    });
    expect(a.state().notifications[index]).toMatchObject({ shown: true, clickable: true, urgency: 'critical', icon: join(resources, 'icon.png') });
    expect(a.state().notifications[index]!.body).toContain(`The source folder "${gone}" does not exist.`);

    // Its click opens that run in the window (hidden first): app:open, then the app:navigate event.
    await a.closeWindow();
    await a.waitFor('the window hidden', (s) => windowOf(s)?.visible === false);
    await a.clickNotification(a.state().notifications.filter((n) => n.shown).findIndex((n) => n.title === 'Gone backup failed'));
    await a.waitFor('the window showing the failed run', (s) => windowOf(s)?.visible && eventsSent(s, 'app:navigate').some((e) => JSON.stringify(e) === JSON.stringify({ view: 'run', runId: failed.id })));
  });

  it('says in a notification when something asked from the tray cannot be done', async () => {
    const { root, env } = profile();
    const a = launch({ ...env, REPRISE_RCLONE: join(root, 'no-such-rclone') });
    await a.waitFor('the tray', (s) => trayOf(s));
    okResult(await a.invoke('jobs:add', { name: 'Music', sources: [join(root, 'home')], destinations: [{ kind: 'copy', target: join(root, 'backup') }] }));
    await a.waitFor('Back up now', (s) => menuLabels(trayOf(s)).includes('Back up now'));
    await a.clickMenu('Back up now');
    const n = await a.waitFor('a notification', (s) => s.notifications.find((n) => n.title === 'Could not back up “Music”'));
    expect(n).toMatchObject({ shown: true, urgency: 'critical' });
    expect(n.body).toMatch(/rclone/i);
  });

  it('turns Start at login on from the tray (an XDG autostart entry) and off from Settings', async () => {
    const { env } = profile();
    const a = launch(env);
    await a.waitFor('the unchecked menu entry', (s) => trayOf(s)?.menu?.find((i) => i.label === 'Start at login')?.checked === false);
    await a.clickMenu('Start at login');
    await a.waitFor('the checked menu entry', (s) => trayOf(s)?.menu?.find((i) => i.label === 'Start at login')?.checked === true);
    const entry = join(env.XDG_CONFIG_HOME, 'autostart', 'reprise.desktop');
    const text = readFileSync(entry, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Reprise\n/);
    // Not packaged: the Electron binary (here: node) with the app folder, started hidden.
    expect(text).toContain(`Exec="${process.execPath}" "${repo.replace(/\/$/, '')}" "--hidden"\n`);
    // Electron's login items do nothing on Linux; they were not what this relied on.
    expect(a.state().loginItemCalls).toEqual([]);

    expect(okResult(await a.invoke('app:set-start-at-login', { enabled: false }))).toEqual({ enabled: false });
    expect(existsSync(entry)).toBe(false);
    await a.waitFor('the unchecked menu entry again', (s) => trayOf(s)?.menu?.find((i) => i.label === 'Start at login')?.checked === false);
    expect(eventsSent(a.state(), 'tray:state').at(-1)).toMatchObject({ startAtLogin: false });
  });

  it('without a tray opens the window even when started hidden, keeps running when it is closed, and quits from it', async () => {
    const { env } = profile();
    const a = launch({ ...env, REPRISE_TRAY: 'off' }, ['--hidden']);
    await a.waitFor('the window', (s) => windowOf(s)?.visible);
    expect(a.state().trays).toEqual([]);
    expect(okResult(await a.invoke('app:info', {}))).toMatchObject({ desktop: { trayAvailable: false } });
    await a.closeWindow();
    await a.waitFor('the window hidden and a notice', (s) => windowOf(s)?.visible === false && !windowOf(s)?.destroyed && s.notifications.some((n) => n.title === 'Reprise is still running'));
    expect(a.state().appEvents).not.toContain('before-quit');
    expect(okResult(await a.invoke('app:quit', {}))).toEqual({ quitting: true });
    expect(await a.exited).toBe(0);
  });

  it.skipIf(!fuse.ok)('quits from the tray: stops the run, unmounts, closes the core (started hidden: no window)', async () => {
    const { root, env } = profile();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk'], tracksPerAlbum: 6, trackBytes: 1_000_000 });
    writeFileSync(env.RCLONE_CONFIG, `[lib]\ntype = alias\nremote = ${music}\n`);
    const a = launch(env, ['--hidden']);
    await a.waitFor('the tray', (s) => trayOf(s));
    expect(a.state().windows).toEqual([]);
    // The window opens from the tray; mounts are made there.
    await a.clickMenu('Open Reprise');
    await a.waitFor('the window', (s) => windowOf(s)?.visible && eventsSent(s, 'app:navigate').length > 0);
    expect(eventsSent(a.state(), 'app:navigate')).toEqual([{ view: 'dashboard' }]);

    const point = join(root, 'Mounted Music');
    const mounted = okResult(await a.invoke('mounts:mount', { fs: 'lib:', mountPoint: point }));
    expect(mounted).toMatchObject({ state: { kind: 'mounted' } });
    expect((await readRcloneMounts()).map((m) => m.mountPoint)).toContain(point);

    okResult(await a.invoke('jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'backup') }], bwlimit: '100k' }));
    await a.waitFor('Back up now', (s) => menuLabels(trayOf(s)).includes('Back up now'));
    await a.clickMenu('Back up now');
    await a.waitFor('the run going', (s) => trayOf(s)?.image.path === picture('running'));

    await a.clickMenu('Quit Reprise');
    expect(await a.exited).toBe(0);
    const events = a.state().appEvents;
    expect(events.filter((e) => e === 'before-quit')).toHaveLength(2);
    expect(events.slice(-3)).toEqual(['will-quit', 'quit', 'exit:0']);
    expect(a.state().trays.at(-1)?.destroyed).toBe(true);
    expect((await readRcloneMounts()).map((m) => m.mountPoint)).not.toContain(point);
    // The database was closed cleanly (no WAL left), and the run is recorded as stopped.
    expect(existsSync(join(env.REPRISE_DATA_DIR, 'history.db-wal'))).toBe(false);
    const db = new Database(join(env.REPRISE_DATA_DIR, 'history.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT outcome FROM runs').all()).toEqual([{ outcome: 'cancelled' }]);
    } finally {
      db.close();
    }
    // Nothing of ours is left running.
    const left = await execa('pgrep', ['-f', `--config ${env.RCLONE_CONFIG}`], { reject: false });
    expect(left.stdout).toBe('');
  });
});

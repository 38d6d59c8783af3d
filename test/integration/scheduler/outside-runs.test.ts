// A `reprise run` in a terminal while the app (here a core with schedules, as in serve) is up: the
// app sees it start and end within a second or two, without waiting for its minute heartbeat.
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { TrayState } from '../../../shared/tray-state.js';
import { type Core, createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { repriseBin } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);
let core: Core | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

/** Resolves with the first tray state that passes the test (checking the current one first). */
function trayWhere(c: Core, test: (s: TrayState) => boolean): Promise<TrayState> {
  return new Promise((resolve) => {
    const off = c.events.on('tray:state', (s) => {
      if (test(s)) {
        off();
        resolve(s);
      }
    });
    const now = c.scheduler.trayState();
    if (test(now)) {
      off();
      resolve(now);
    }
  });
}

describe('runs of other processes', () => {
  it('show in the header and the job list while they run, and their outcome within 2 s of their end', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk'], tracksPerAlbum: 2, trackBytes: 1_500_000 });
    core = createCore({ dataDir, host: 'serve' });
    const added = await dispatch(core.handlers, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'dest') }], bwlimit: '1M' });
    expect(added.ok).toBe(true);
    expect(core.scheduler.trayState().header.text).toBe('Music has not been backed up yet');
    const changed: number[] = [];
    core.events.on('history:changed', () => changed.push(Date.now()));

    const cli = execa(process.execPath, [repriseBin, '--data-dir', dataDir, 'run', 'Music'], { reject: false });
    const running = await trayWhere(core, (s) => s.header.text.startsWith('Backing up Music'));
    expect(running.icon).toBe('running');
    const list = await dispatch(core.handlers, 'jobs:list', {});
    expect(list).toMatchObject({ ok: true, value: [{ runningElsewhere: 'reprise run', runningId: expect.any(Number) }] });

    expect((await cli).exitCode).toBe(0);
    const ended = Date.now();
    const ok = await trayWhere(core, (s) => s.header.text.startsWith('All backups OK'));
    expect(ok.icon).toBe('idle-ok');
    expect(Date.now() - ended).toBeLessThan(2000);
    expect(changed.length).toBeGreaterThanOrEqual(2);
    const after = await dispatch(core.handlers, 'jobs:list', {});
    expect(after).toMatchObject({ ok: true, value: [{ runningElsewhere: null, runningId: null, lastRun: { outcome: 'success', trigger: 'cli' } }] });
  }, 60_000);

  it('a job added by `reprise job add` reaches the window as jobs:changed', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    makeLibrary(join(root, 'Music'), { artists: ['A'] });
    core = createCore({ dataDir, host: 'serve' });
    const seen = new Promise<string[]>((resolve) => core!.events.on('jobs:changed', (e) => resolve(e.jobs.map((j) => j.name))));
    await execa(process.execPath, [repriseBin, '--data-dir', dataDir, 'job', 'add', 'Photos', '--source', join(root, 'Music'), '--copy', join(root, 'b')]);
    expect(await seen).toEqual(['Photos']);
  });
});

// The tray: icon and tooltip from the same status line as the window's header, a menu with
// Back up now per job, Open Reprise, recent runs and Quit. Rebuilt whenever a run starts or ends.
import { Menu, Tray, nativeImage } from 'electron';
import { formatAgo } from '../../shared/format.js';
import { headerState } from '../../shared/status-line.js';
import type { Core } from '../core/core.js';
import { trayBitmap } from './tray-icon.js';

export interface TrayActions {
  open(): void;
  quit(): void;
}

/** Creates the tray and keeps it current; returns a disposer. */
export function createTray(core: Core, actions: TrayActions): () => void {
  const images = new Map<string, Electron.NativeImage>();
  const image = (tone: Parameters<typeof trayBitmap>[0]) => {
    let img = images.get(tone);
    if (!img) images.set(tone, (img = nativeImage.createFromBitmap(trayBitmap(tone, 32), { width: 32, height: 32, scaleFactor: 2 })));
    return img;
  };
  const tray = new Tray(image('muted'));
  const live: Record<string, import('../../shared/model.js').RunProgress> = {};

  const refresh = () => {
    const now = core.now();
    const jobs = core.jobs.list().map((job) => {
      const l = core.runs.liveOf(job.id);
      return { job, lastRun: core.history.lastRun(job.id), nextRun: null, live: l?.progress ?? null, runningId: l?.runId ?? null };
    });
    const state = headerState(jobs, live, now);
    const lastGood = Math.max(0, ...jobs.map((j) => (j.lastRun?.outcome === 'success' ? j.lastRun.startedAt : 0)));
    const firstLine = state.tone === 'ok' && lastGood ? `Last backup: ${formatAgo(lastGood, now)} ✓` : state.text;
    tray.setImage(image(state.tone));
    tray.setToolTip(firstLine);
    const recent = core.history.list(undefined, 5);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: firstLine, enabled: false },
        { type: 'separator' },
        ...jobs.map((j) => ({
          label: j.runningId ? `Cancel ${j.job.name}` : `Back up ${j.job.name} now`,
          click: () => {
            if (j.runningId) core.runs.cancel(j.runningId);
            else void core.handlers['runs:start']({ name: j.job.name, dryRun: false, trigger: 'manual' });
          },
        })),
        { type: 'separator' },
        { label: 'Open Reprise', click: actions.open },
        ...(recent.length
          ? [{ label: 'Recent runs', submenu: recent.map((r) => ({ label: `${r.jobName}: ${r.outcome}, ${formatAgo(r.startedAt, now)}`, click: actions.open })) }]
          : []),
        { type: 'separator' },
        { label: 'Quit Reprise', click: actions.quit },
      ]),
    );
  };

  const offs = [
    core.events.on('runs:progress', (p) => {
      live[p.jobId] = p;
      tray.setToolTip(`Backing up… ${p.percent.toFixed(0)} %`);
    }),
    core.events.on('runs:started', refresh),
    core.events.on('runs:finished', (run) => {
      delete live[run.jobId];
      refresh();
    }),
    core.events.on('jobs:changed', refresh),
  ];
  tray.on('click', actions.open);
  refresh();
  const timer = setInterval(refresh, 60_000);
  return () => {
    clearInterval(timer);
    for (const off of offs) off();
    tray.destroy();
  };
}

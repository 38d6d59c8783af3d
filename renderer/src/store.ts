// The UI's state: jobs, live progress and history, fed by contract events. Progress is coalesced
// to at most one store update per animation frame, so 1M-file runs don't flood React.
import type { FileOpProgress } from '../../shared/files';
import { create } from 'zustand';
import type { Bridge, CommandName, Req, Res } from '../../shared/contract';
import type { AppInfo, JobStatus, RunProgress, RunSummary } from '../../shared/model';
import type { AppError } from '../../shared/result';
import type { RestoreProgressEvent } from '../../shared/restore';
import type { AppNotification } from '../../shared/alerts';
import type { SchedulerStatusDto } from '../../shared/contract/scheduler';
import type { TrayState } from '../../shared/tray-state';
import type { RestorableLocation } from '../../shared/backup-location';
import { frameBatch } from './frame-batch';
import { type ConnectionState, pickBridge } from './transport';
import { connectRemotesStore } from './remotes/remotes-store';

export type Page = 'dashboard' | 'restore' | 'jobs' | 'remotes' | 'browser' | 'mounts' | 'history' | 'settings';

/** What the Restore page opens on: a job's destination, a restore point and an item inside it. */
export type RestoreFocus = Pick<RestorableLocation, 'jobId' | 'destId' | 'target' | 'at' | 'itemPath'>;

export interface UiState {
  readonly connection: ConnectionState;
  /** When the connection to the core was lost (cleared once it is back); retries flicker through "connecting". */
  readonly lostSince: number | null;
  readonly page: Page;
  readonly info: AppInfo | null;
  readonly jobs: readonly JobStatus[];
  readonly loaded: boolean;
  readonly live: Readonly<Record<string, RunProgress>>;
  readonly runs: readonly RunSummary[];
  /** The last finished run of each job in this session, for the outcome banner. */
  readonly finished: Readonly<Record<string, RunSummary>>;
  readonly toast: AppError | null;
  readonly now: number;
  /** The latest progress of each restore started from this window, by restore id. */
  readonly restores: Readonly<Record<string, RestoreProgressEvent>>;
  /** The latest progress of a file operation (Browser: copy, move, delete …). */
  readonly fileProgress: FileOpProgress | null;
  /** The tray's state as the core computes it: the header shows exactly this. */
  readonly tray: TrayState | null;
  readonly scheduler: SchedulerStatusDto | null;
  /** A run to open on the History page (from a notification or the header). */
  readonly focusRun: number | null;
  /** An item to open on the Restore page (the Browser's "Open in Restore"); the page takes it once. */
  readonly restoreFocus: RestoreFocus | null;
  /** Web Notifications: 'default' until the user answers the browser's question. */
  readonly notifyPermission: NotificationPermission | 'unsupported';
  go(page: Page): void;
  openRun(runId: number): void;
  openRestore(focus: RestoreFocus): void;
  refresh(): Promise<void>;
  call<K extends CommandName>(name: K, req: Req<K>): Promise<{ ok: true; value: Res<K> } | { ok: false; error: AppError }>;
  dismissToast(): void;
}

let bridge: Bridge | null = null;
// Bumped by every tray/scheduler event: a refresh that started before one must not overwrite it
// with the older answer it gets back.
let pushed = 0;

export const useUi = create<UiState>((set, get) => ({
  connection: 'connecting',
  lostSince: null,
  page: 'dashboard',
  fileProgress: null,
  info: null,
  jobs: [],
  loaded: false,
  live: {},
  runs: [],
  finished: {},
  toast: null,
  now: Date.now(),
  restores: {},
  tray: null,
  scheduler: null,
  focusRun: null,
  restoreFocus: null,
  notifyPermission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
  go: (page) => set({ page }),
  openRun: (runId) => set({ page: 'history', focusRun: runId }),
  openRestore: (focus) => set({ page: 'restore', restoreFocus: focus }),
  dismissToast: () => set({ toast: null }),
  async call(name, req) {
    if (!bridge) return { ok: false, error: { kind: 'internal', message: 'Not connected to Reprise yet.' } };
    return bridge.invoke(name, req);
  },
  async refresh() {
    const seen = pushed;
    const [jobs, runs, info, tray, scheduler] = await Promise.all([
      get().call('jobs:list', {}),
      get().call('runs:history', { limit: 200 }),
      get().info ? null : get().call('app:info', {}),
      get().call('tray:get', {}),
      get().call('scheduler:status', {}),
    ]);
    const patch: { -readonly [K in keyof UiState]?: UiState[K] } = { now: Date.now() };
    if (jobs.ok) {
      patch.jobs = jobs.value;
      patch.loaded = true;
      const live: Record<string, RunProgress> = {};
      for (const j of jobs.value) if (j.live && j.runningId) live[j.job.id] = j.live;
      patch.live = { ...live, ...Object.fromEntries(Object.entries(get().live).filter(([id]) => jobs.value.some((j) => j.job.id === id && j.runningId))) };
    }
    if (runs.ok) patch.runs = runs.value;
    if (info?.ok) {
      patch.info = info.value;
      // Told once per page load: a damaged database Reprise replaced when it started.
      if (info.value.notices?.length) patch.toast = { kind: 'internal', message: info.value.notices.join(' ') };
    }
    if (tray.ok && seen === pushed) patch.tray = tray.value;
    if (scheduler.ok && seen === pushed) patch.scheduler = scheduler.value;
    set(patch);
  },
}));

/** Connects the store to the core: events in, a first refresh, a clock for "2 h ago". */
export function connectStore(): void {
  const { setState, getState } = useUi;
  bridge = pickBridge((connection) => {
    setState((s) => ({ connection, lostSince: connection === 'open' ? null : connection === 'closed' ? (s.lostSince ?? Date.now()) : s.lostSince }));
    if (connection === 'open') void getState().refresh();
  });

  const progress = frameBatch<RunProgress>((batch) => setState((s) => ({ live: { ...s.live, ...batch } })));
  // When a run moves on to its next destination, the one before has its result: read it.
  const destOf = new Map<string, string>();
  bridge.on('runs:progress', (p) => {
    progress.add(p.jobId, p);
    const before = destOf.get(p.jobId);
    destOf.set(p.jobId, p.destId);
    if (before !== undefined && before !== p.destId) void getState().refresh();
  });
  bridge.on('runs:started', () => void getState().refresh());
  bridge.on('runs:finished', (run) => {
    destOf.delete(run.jobId);
    progress.drop(run.jobId);
    setState((s) => {
      const live = { ...s.live };
      delete live[run.jobId];
      return { live, finished: { ...s.finished, [run.jobId]: run } };
    });
    void getState().refresh();
  });
  bridge.on('jobs:changed', () => void getState().refresh());
  // A run or job of another process (a `reprise run` in a terminal): the cards read history again.
  bridge.on('history:changed', () => void getState().refresh());
  const restores = frameBatch<RestoreProgressEvent>((batch) => setState((s) => ({ restores: { ...s.restores, ...batch } })));
  bridge.on('restore:progress', (p) => restores.add(p.restoreId, p));
  bridge.on('files:progress', (p) => setState({ fileProgress: p }));
  connectRemotesStore(bridge);
  bridge.on('tray:state', (tray) => {
    pushed++;
    setState({ tray });
  });
  bridge.on('scheduler:changed', (scheduler) => {
    pushed++;
    setState({ scheduler });
  });
  bridge.on('notifications:raised', (n) => showNotification(n));
  setInterval(() => setState({ now: Date.now() }), 30_000);
  // The tray, a notification or `app:open` asks the window to show a place: a page or one run.
  bridge.on('app:navigate', (to) => {
    if (to.view === 'run') getState().openRun(to.runId);
    else getState().go(to.view);
  });
}

// Inside Electron the main process shows OS notifications itself; in a browser tab we use Web
// Notifications (after the user allowed them). A click opens the run the notification is about.
function showNotification(n: AppNotification): void {
  if (window.bridge || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const note = new Notification(n.title, { body: n.body, tag: n.key, requireInteraction: n.severity === 'error' });
  note.onclick = () => {
    window.focus();
    if (n.runId !== null) useUi.getState().openRun(n.runId);
    else useUi.getState().go('dashboard');
    note.close();
  };
}

/** Asks the browser for permission to show notifications (needs a click, browsers insist). */
export async function enableNotifications(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  const answer = await Notification.requestPermission();
  useUi.setState({ notifyPermission: answer });
}

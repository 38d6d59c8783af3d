// The UI's state: jobs, live progress and history, fed by contract events. Progress is coalesced
// to at most one store update per animation frame, so 1M-file runs don't flood React.
import { create } from 'zustand';
import type { Bridge, CommandName, Req, Res } from '../../shared/contract';
import type { AppInfo, JobStatus, RunProgress, RunSummary } from '../../shared/model';
import type { AppError } from '../../shared/result';
import { type ConnectionState, pickBridge } from './transport';

export type Page = 'dashboard' | 'jobs' | 'history';

export interface UiState {
  readonly connection: ConnectionState;
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
  go(page: Page): void;
  refresh(): Promise<void>;
  call<K extends CommandName>(name: K, req: Req<K>): Promise<{ ok: true; value: Res<K> } | { ok: false; error: AppError }>;
  dismissToast(): void;
}

let bridge: Bridge | null = null;

export const useUi = create<UiState>((set, get) => ({
  connection: 'connecting',
  page: 'dashboard',
  info: null,
  jobs: [],
  loaded: false,
  live: {},
  runs: [],
  finished: {},
  toast: null,
  now: Date.now(),
  go: (page) => set({ page }),
  dismissToast: () => set({ toast: null }),
  async call(name, req) {
    if (!bridge) return { ok: false, error: { kind: 'internal', message: 'Not connected to Reprise yet.' } };
    return bridge.invoke(name, req);
  },
  async refresh() {
    const [jobs, runs, info] = await Promise.all([get().call('jobs:list', {}), get().call('runs:history', { limit: 200 }), get().info ? null : get().call('app:info', {})]);
    const patch: { -readonly [K in keyof UiState]?: UiState[K] } = { now: Date.now() };
    if (jobs.ok) {
      patch.jobs = jobs.value;
      patch.loaded = true;
      const live: Record<string, RunProgress> = {};
      for (const j of jobs.value) if (j.live && j.runningId) live[j.job.id] = j.live;
      patch.live = { ...live, ...Object.fromEntries(Object.entries(get().live).filter(([id]) => jobs.value.some((j) => j.job.id === id && j.runningId))) };
    }
    if (runs.ok) patch.runs = runs.value;
    if (info?.ok) patch.info = info.value;
    set(patch);
  },
}));

/** Connects the store to the core: events in, a first refresh, a clock for "2 h ago". */
export function connectStore(): void {
  const { setState, getState } = useUi;
  bridge = pickBridge((connection) => {
    setState({ connection });
    if (connection === 'open') void getState().refresh();
  });

  let pendingProgress: Record<string, RunProgress> = {};
  let frame = 0;
  bridge.on('runs:progress', (p) => {
    pendingProgress[p.jobId] = p;
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const batch = pendingProgress;
      pendingProgress = {};
      setState((s) => ({ live: { ...s.live, ...batch } }));
    });
  });
  bridge.on('runs:started', () => void getState().refresh());
  bridge.on('runs:finished', (run) => {
    delete pendingProgress[run.jobId];
    setState((s) => {
      const live = { ...s.live };
      delete live[run.jobId];
      return { live, finished: { ...s.finished, [run.jobId]: run } };
    });
    void getState().refresh();
  });
  bridge.on('jobs:changed', () => void getState().refresh());
  setInterval(() => setState({ now: Date.now() }), 30_000);
}

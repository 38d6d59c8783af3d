// What the scheduler must remember across restarts: per job the last schedule slot it handled,
// the pause, and the runs a pause skipped. Small and JSON-shaped so it can live in the settings
// store, a JSON file, or a history table without the scheduler knowing which.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface JobScheduleState {
  /** The expression the slots below belong to; an edited schedule starts afresh. */
  readonly expression: string;
  readonly timezone: string | null;
  /** Slots at or before this instant are never fired (the job's schedule started here). */
  readonly anchorMs: number;
  /** The scheduled slot (not the wall time) handled last: fired, or skipped while paused. */
  readonly lastSlotMs: number | null;
  /** Wall time the last run was handed to the run queue. */
  readonly lastFiredAtMs: number | null;
}

export interface SkippedRuns {
  readonly jobId: string;
  /** How many slots fell into the pause. */
  readonly count: number;
  readonly firstSlotMs: number;
  readonly lastSlotMs: number;
}

export interface PauseState {
  readonly sinceMs: number;
  /** null: until resumed by hand. */
  readonly untilMs: number | null;
}

export interface SchedulerState {
  readonly version: 1;
  readonly jobs: Readonly<Record<string, JobScheduleState>>;
  readonly pause: PauseState | null;
  /** Slots skipped by the current (or last) pause, reported on resume. */
  readonly skipped: readonly SkippedRuns[];
}

/** Where the scheduler keeps its state; a later backend only needs these two calls. */
export interface SchedulerStateStore {
  load(): SchedulerState;
  save(state: SchedulerState): void;
}

/** A fresh state: no job has a history, nothing is paused. */
export function emptySchedulerState(): SchedulerState {
  return { version: 1, jobs: {}, pause: null, skipped: [] };
}

/** Keeps the state in memory (tests, and hosts that persist it elsewhere). */
export function memoryStateStore(initial: SchedulerState = emptySchedulerState()): SchedulerStateStore & { current(): SchedulerState } {
  let state = initial;
  return {
    load: () => state,
    save: (next) => {
      state = next;
    },
    current: () => state,
  };
}

function isState(value: unknown): value is SchedulerState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.version === 1 && typeof v.jobs === 'object' && v.jobs !== null && Array.isArray(v.skipped);
}

/** Keeps the state in a JSON file, written atomically (temp file + rename) so a crash never truncates it. */
export function jsonFileStateStore(file: string): SchedulerStateStore {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptySchedulerState();
        throw err;
      }
      try {
        const parsed: unknown = JSON.parse(text);
        // A damaged file must not stop backups: start afresh (anchors at "now", no catch-up storm).
        return isState(parsed) ? parsed : emptySchedulerState();
      } catch {
        return emptySchedulerState();
      }
    },
    save(state) {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      renameSync(tmp, file);
    },
  };
}

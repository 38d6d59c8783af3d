// The scheduler's only view of time. Injected so tests can drive two weeks in milliseconds,
// and so `reprise serve` in test mode can be stepped by the e2e suite.

export type CancelTimer = () => void;

export interface Clock {
  /** Wall-clock time in epoch ms (it may jump: NTP, the user, sleep/wake). */
  now(): number;
  /** Calls `callback` once at or after wall time `atMs`; late after sleep, like a real timer. */
  setTimer(atMs: number, callback: () => void): CancelTimer;
}

// setTimeout counts monotonic time, which stops during sleep on some systems and ignores
// wall-clock jumps; the scheduler therefore never waits longer than this before looking again.
const MAX_WAIT_MS = 60_000;

/** The real clock: Date.now() and setTimeout, re-checked at least once a minute. */
export function systemClock(maxWaitMs = MAX_WAIT_MS): Clock {
  return {
    now: () => Date.now(),
    setTimer(atMs, callback) {
      const delay = Math.max(0, Math.min(atMs - Date.now(), maxWaitMs));
      const handle = setTimeout(callback, delay);
      // A pending schedule must not keep a CLI process alive on its own.
      handle.unref?.();
      return () => clearTimeout(handle);
    },
  };
}

interface PendingTimer {
  readonly id: number;
  readonly atMs: number;
  readonly callback: () => void;
}

/** A clock moved by hand: for unit tests and the test-only clock control of `reprise serve`. */
export class ManualClock implements Clock {
  private current: number;
  private timers: PendingTimer[] = [];
  private nextId = 1;

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(atMs: number, callback: () => void): CancelTimer {
    const id = this.nextId++;
    this.timers.push({ id, atMs, callback });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Lets time pass awake: every timer fires at its own time, in order. */
  advanceTo(targetMs: number): void {
    for (;;) {
      const due = this.earliestDue(targetMs);
      if (!due) break;
      this.current = Math.max(this.current, due.atMs);
      this.fire(due);
    }
    this.current = Math.max(this.current, targetMs);
  }

  /** Advances by `ms` awake. */
  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  /**
   * Jumps the wall clock (sleep/wake, a powered-off machine, an NTP or manual correction, forwards
   * or backwards) without running anything in between; overdue timers then fire late, once each.
   */
  jumpTo(targetMs: number): void {
    this.current = targetMs;
    for (;;) {
      const due = this.earliestDue(targetMs);
      if (!due) break;
      this.fire(due);
    }
  }

  /** How many timers are waiting (tests use it to prove nothing leaks). */
  pendingTimers(): number {
    return this.timers.length;
  }

  private earliestDue(limitMs: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) if (t.atMs <= limitMs && (!best || t.atMs < best.atMs)) best = t;
    return best;
  }

  private fire(timer: PendingTimer): void {
    this.timers = this.timers.filter((t) => t.id !== timer.id);
    timer.callback();
  }
}

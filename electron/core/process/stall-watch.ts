// The stall watchdog's clock: a transfer says when something moved (bytes, checks, a file done);
// when nothing has for `afterMs`, the child runner ends it. A dead server otherwise leaves rclone
// waiting at "27 % · 0 B/s" for as long as its own timeouts and retries allow — hours.

/** Default patience: long enough for a slow server's pauses, short enough to report a dead one. */
export const DEFAULT_STALL_MS = 5 * 60_000;

export interface StallWatch {
  readonly afterMs: number;
  /** Something moved: start counting again. */
  touch(): void;
  /** How long nothing has moved. */
  idleMs(): number;
}

/** A watch that starts counting now. */
export function stallWatch(afterMs: number, now: () => number = Date.now): StallWatch {
  let last = now();
  return {
    afterMs,
    touch: () => {
      last = now();
    },
    idleMs: () => now() - last,
  };
}

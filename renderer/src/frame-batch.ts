// Coalesces high-frequency events (run, restore and download progress) to at most one store update
// per animation frame, keeping only the newest value per key.

export interface FrameBatch<T> {
  /** Queues the newest value for a key; the batch is applied on the next frame. */
  add(key: string, value: T): void;
  /** Forgets a queued value (its run ended before the frame came). */
  drop(key: string): void;
}

/** Creates a batch that hands apply() every key's newest value once per frame. */
export function frameBatch<T>(apply: (batch: Record<string, T>) => void, schedule: (run: () => void) => unknown = requestAnimationFrame): FrameBatch<T> {
  let pending: Record<string, T> = {};
  let scheduled = false;
  return {
    add(key, value) {
      pending[key] = value;
      if (scheduled) return;
      scheduled = true;
      schedule(() => {
        scheduled = false;
        const batch = pending;
        pending = {};
        if (Object.keys(batch).length > 0) apply(batch);
      });
    },
    drop(key) {
      delete pending[key];
    },
  };
}

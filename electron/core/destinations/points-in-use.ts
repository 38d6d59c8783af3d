// Restore points being restored from right now: retention must never prune them mid-restore.

const inUse = new Map<string, number>();
const key = (target: string, id: string): string => `${target}\u0000${id}`;

/** Marks a restore point as in use until the returned function is called. */
export function holdRestorePoint(target: string, id: string): () => void {
  const k = key(target, id);
  inUse.set(k, (inUse.get(k) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (inUse.get(k) ?? 1) - 1;
    if (n <= 0) inUse.delete(k);
    else inUse.set(k, n);
  };
}

/** The ids of a destination's restore points in use. */
export function restorePointsInUse(target: string): Set<string> {
  const out = new Set<string>();
  for (const k of inUse.keys()) {
    const [t, id] = k.split('\u0000');
    if (t === target && id) out.add(id);
  }
  return out;
}

// Which restore points to keep: the newest N, plus one per day, ISO week and month for the last
// N days/weeks/months that have one (the way restic and borg count: periods without a snapshot
// do not use up a slot). Pure, so it is tested on two simulated years of dates.

/** Per-job retention; a missing or zero count keeps nothing for that rule. */
export interface RetentionPolicy {
  readonly keepLast?: number;
  readonly keepDaily?: number;
  readonly keepWeekly?: number;
  readonly keepMonthly?: number;
}

/** What retention needs to know about a restore point. */
export interface RetentionCandidate {
  readonly id: string;
  readonly time: Date;
  /** Partial snapshots never fill a daily/weekly/monthly slot. */
  readonly complete: boolean;
}

/** Why a restore point is kept. */
export type KeepReason = 'last' | 'daily' | 'weekly' | 'monthly' | 'newest-complete' | 'protected' | 'no-policy';

/** The decision for every candidate. */
export interface RetentionSelection {
  readonly keep: ReadonlyArray<{ readonly id: string; readonly reasons: readonly KeepReason[] }>;
  readonly remove: readonly string[];
}

/** Options that are not part of the policy itself. */
export interface RetentionOptions {
  /** Restore points in use (e.g. being restored from): never removed. */
  readonly protectedIds?: ReadonlySet<string>;
  /** Offset of the user's local time from UTC, so "daily" means the user's days. */
  readonly utcOffsetMinutes?: number;
}

/** Decides which restore points a policy keeps; never removes the newest complete one. */
export function selectRetention(
  candidates: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  options: RetentionOptions = {},
): RetentionSelection {
  const newestFirst = [...candidates].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.id < b.id ? 1 : -1));
  const reasons = new Map<string, KeepReason[]>(newestFirst.map((c) => [c.id, []]));
  const add = (id: string, r: KeepReason): void => void reasons.get(id)!.push(r);
  const offset = (options.utcOffsetMinutes ?? 0) * 60_000;
  const local = (d: Date): Date => new Date(d.getTime() + offset);

  const anyRule = [policy.keepLast, policy.keepDaily, policy.keepWeekly, policy.keepMonthly].some((n) => (n ?? 0) > 0);
  if (!anyRule) for (const c of newestFirst) add(c.id, 'no-policy');

  newestFirst.slice(0, Math.max(0, policy.keepLast ?? 0)).forEach((c) => add(c.id, 'last'));
  const buckets: ReadonlyArray<readonly [KeepReason, number | undefined, (d: Date) => string]> = [
    ['daily', policy.keepDaily, (d) => local(d).toISOString().slice(0, 10)],
    ['weekly', policy.keepWeekly, (d) => isoWeek(local(d))],
    ['monthly', policy.keepMonthly, (d) => local(d).toISOString().slice(0, 7)],
  ];
  for (const [reason, count, keyOf] of buckets) {
    const limit = Math.max(0, count ?? 0);
    const seen = new Set<string>();
    for (const c of newestFirst) {
      if (seen.size >= limit) break;
      if (!c.complete) continue;
      const key = keyOf(c.time);
      if (seen.has(key)) continue;
      seen.add(key);
      add(c.id, reason);
    }
  }
  const newest = newestFirst.find((c) => c.complete);
  if (newest) add(newest.id, 'newest-complete');
  for (const c of newestFirst) if (options.protectedIds?.has(c.id)) add(c.id, 'protected');

  const keep = newestFirst.filter((c) => reasons.get(c.id)!.length > 0).map((c) => ({ id: c.id, reasons: reasons.get(c.id)! }));
  const remove = newestFirst.filter((c) => reasons.get(c.id)!.length === 0).map((c) => c.id);
  return { keep, remove };
}

/** ISO-8601 week key (`2026-W47`) of a date read in UTC. */
export function isoWeek(date: Date): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const day = d.getUTCDay() || 7; // Monday=1 … Sunday=7
  d.setUTCDate(d.getUTCDate() + 4 - day); // the Thursday of this week decides its year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

// The one-line state shown by the window's header and the tray's tooltip: all OK, running, failed.
import { formatAgo } from './format.js';
import type { JobStatus, RunProgress } from './model.js';

export interface HeaderState {
  readonly tone: 'ok' | 'warn' | 'bad' | 'busy' | 'muted';
  readonly text: string;
  /** The job a "Retry" action would run, when something failed. */
  readonly retryJob: string | null;
}

/** Sums up every job's state into one line. */
export function headerState(jobs: readonly JobStatus[], live: Readonly<Record<string, RunProgress>>, now: number): HeaderState {
  if (jobs.length === 0) return { tone: 'muted', text: 'No backups set up yet', retryJob: null };
  const running = jobs.filter((j) => live[j.job.id] || j.runningId);
  if (running.length > 0) {
    const first = running[0]!;
    const pct = live[first.job.id]?.percent;
    const more = running.length > 1 ? ` and ${running.length - 1} more` : '';
    return { tone: 'busy', text: `Backing up ${first.job.name}${more}…${pct !== undefined ? ` ${pct.toFixed(0)} %` : ''}`, retryJob: null };
  }
  const failed = jobs.find((j) => j.lastRun?.outcome === 'failed');
  if (failed?.lastRun) {
    const dest = failed.lastRun.destinations.find((d) => d.outcome === 'failed');
    return { tone: 'bad', text: `${failed.job.name}${dest ? ` → ${dest.target}` : ''} failed ${formatAgo(failed.lastRun.startedAt, now)}`, retryJob: failed.job.name };
  }
  const partial = jobs.find((j) => j.lastRun && ['partial', 'interrupted', 'skipped', 'cancelled'].includes(j.lastRun.outcome));
  if (partial?.lastRun) {
    return { tone: 'warn', text: `${partial.job.name}: last backup ${partial.lastRun.outcome} ${formatAgo(partial.lastRun.startedAt, now)}`, retryJob: partial.job.name };
  }
  const never = jobs.filter((j) => !j.lastRun);
  if (never.length === jobs.length) return { tone: 'muted', text: 'No backup has run yet', retryJob: null };
  const newest = Math.max(...jobs.map((j) => j.lastRun?.startedAt ?? 0));
  if (never.length > 0) return { tone: 'warn', text: `${never[0]!.job.name} has never been backed up`, retryJob: never[0]!.job.name };
  const ago = formatAgo(newest, now);
  return { tone: 'ok', text: `All backups OK · ${ago === 'just now' ? 'backed up just now' : `last ${ago}`}`, retryJob: null };
}

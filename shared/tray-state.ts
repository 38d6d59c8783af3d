// The tray's state, computed from history and live runs by one pure function. The Electron host
// draws it in the tray, the browser UI in its header; both show the same thing because both read
// this. "Errors stay until that job's next success" falls out of looking at every run since the
// job's last success rather than only at the last run.

import { formatAgo, formatDuration } from './format.js';

export type TrayIcon = 'idle-ok' | 'running' | 'warning' | 'error';

/** The tray picture: the icon's state, plus "paused" and "no jobs", each its own shape. */
export type TrayImage = 'ok' | 'running' | 'warning' | 'error' | 'paused' | 'no-jobs';
const trayImageTable: Record<TrayImage, true> = { ok: true, running: true, warning: true, error: true, paused: true, 'no-jobs': true };
/** Every tray picture (resources/tray holds each one at every size). */
export const TRAY_IMAGES = Object.keys(trayImageTable) as readonly TrayImage[];
export type TrayOutcome = 'running' | 'success' | 'partial' | 'failed' | 'cancelled' | 'interrupted' | 'skipped';

export interface TrayDestinationResult {
  readonly target: string;
  readonly outcome: TrayOutcome;
  readonly firstError: string | null;
}

export interface TrayRun {
  readonly id: number;
  readonly jobId: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly outcome: TrayOutcome;
  readonly firstError: string | null;
  readonly destinations: readonly TrayDestinationResult[];
}

export interface TrayJob {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
  /** Warn when no run succeeded for this many days; null: never. */
  readonly staleAfterDays: number | null;
}

export interface TrayLiveRun {
  readonly jobId: string;
  readonly runId: number;
  /** 0–100, null while the total is unknown. */
  readonly percent: number | null;
}

export interface TrayInput {
  readonly now: number;
  readonly jobs: readonly TrayJob[];
  /** Recent finished (and running) runs of every job, any order. */
  readonly runs: readonly TrayRun[];
  readonly live: readonly TrayLiveRun[];
  readonly pause: { readonly untilMs: number | null } | null;
  /** Shown as a checkbox when the host supports it (Electron); null hides it. */
  readonly startAtLogin: boolean | null;
}

export type JobHealth = 'never-run' | 'ok' | 'overdue' | 'interrupted' | 'partial' | 'destination-missing' | 'failed';

export interface JobTrayStatus {
  readonly jobId: string;
  readonly name: string;
  readonly health: JobHealth;
  readonly icon: TrayIcon;
  readonly running: boolean;
  readonly percent: number | null;
  readonly lastSuccessAt: number | null;
  /** The run behind a warning or error (opened by its notification or the header). */
  readonly problemRunId: number | null;
  /** One line for the tooltip when several jobs exist: "Music: 2 h ago ✓". */
  readonly line: string;
  /** The header sentence for this job's problem, e.g. "Music → b2:music failed 3 h ago". */
  readonly problem: string | null;
}

export type PauseChoiceId = 'one-hour' | 'until-tomorrow' | 'until-resumed';

export type TrayAction =
  | { readonly type: 'run-now'; readonly jobId: string }
  | { readonly type: 'cancel'; readonly jobId: string }
  | { readonly type: 'pause'; readonly choice: PauseChoiceId }
  | { readonly type: 'resume' }
  | { readonly type: 'open' }
  | { readonly type: 'open-run'; readonly runId: number }
  | { readonly type: 'restore' }
  | { readonly type: 'toggle-start-at-login' }
  | { readonly type: 'quit' };

export type TrayMenuItem =
  | { readonly kind: 'label'; readonly text: string }
  | { readonly kind: 'separator' }
  | { readonly kind: 'action'; readonly label: string; readonly action: TrayAction; readonly enabled: boolean }
  | { readonly kind: 'checkbox'; readonly label: string; readonly checked: boolean; readonly action: TrayAction }
  | { readonly kind: 'submenu'; readonly label: string; readonly items: readonly TrayMenuItem[] };

export type HeaderAction =
  | { readonly type: 'retry'; readonly jobId: string; readonly label: string }
  | { readonly type: 'open-run'; readonly runId: number; readonly label: string }
  | { readonly type: 'resume'; readonly label: string };

export interface TrayState {
  readonly icon: TrayIcon;
  /** Which picture the tray shows: no jobs, then error > running > warning > paused > ok. */
  readonly image: TrayImage;
  /** Whether Reprise starts at login; null where the host cannot (a browser). */
  readonly startAtLogin: boolean | null;
  readonly tooltip: string;
  readonly header: { readonly tone: TrayIcon; readonly text: string; readonly action: HeaderAction | null; readonly paused: string | null };
  readonly menu: readonly TrayMenuItem[];
  readonly jobs: readonly JobTrayStatus[];
}

const DAY = 24 * 3600 * 1000;
const ICON_RANK: Record<TrayIcon, number> = { 'idle-ok': 0, warning: 1, running: 2, error: 3 };

const duration = (ms: number): string => formatDuration(Math.max(0, ms) / 1000);
const ago = (thenMs: number, nowMs: number): string => formatAgo(thenMs, nowMs);

function percentText(p: number | null): string {
  return p === null ? 'Backing up…' : `Backing up… ${Math.floor(p)} %`;
}

function endOf(run: TrayRun): number {
  return run.endedAt ?? run.startedAt;
}

// The destination to name for a run's problem: the first failed, else the first skipped one.
function culprit(run: TrayRun, outcome: TrayOutcome): TrayDestinationResult | undefined {
  return run.destinations.find((d) => d.outcome === outcome) ?? run.destinations.find((d) => d.outcome !== 'success');
}

/** Health of one job from its runs (newest first), ignoring cancelled and still-running rows. */
export function jobStatus(job: TrayJob, runs: readonly TrayRun[], live: TrayLiveRun | undefined, now: number): JobTrayStatus {
  const finished = runs.filter((r) => r.jobId === job.id && r.outcome !== 'running' && r.outcome !== 'cancelled').sort((a, b) => endOf(b) - endOf(a));
  const lastSuccessIdx = finished.findIndex((r) => r.outcome === 'success');
  const lastSuccess = lastSuccessIdx >= 0 ? finished[lastSuccessIdx]! : null;
  const since = lastSuccessIdx >= 0 ? finished.slice(0, lastSuccessIdx) : finished;
  const failed = since.find((r) => r.outcome === 'failed');
  const latestProblem = since[0];

  let health: JobHealth;
  let problemRun: TrayRun | null = null;
  let problem: string | null = null;
  if (failed) {
    health = 'failed';
    problemRun = failed;
    const d = culprit(failed, 'failed');
    problem = `${job.name}${d ? ` → ${d.target}` : ''} failed ${ago(endOf(failed), now)}`;
  } else if (latestProblem && latestProblem.outcome === 'partial') {
    health = 'partial';
    problemRun = latestProblem;
    const d = culprit(latestProblem, 'failed');
    problem = `${job.name} partly backed up ${ago(endOf(latestProblem), now)}${d ? ` — ${d.target} ${d.outcome === 'skipped' ? 'missing' : 'failed'}` : ''}`;
  } else if (latestProblem && latestProblem.outcome === 'skipped') {
    health = 'destination-missing';
    problemRun = latestProblem;
    const d = culprit(latestProblem, 'skipped');
    problem = `${job.name}${d ? ` → ${d.target}` : ''} missing ${ago(endOf(latestProblem), now)}`;
  } else if (latestProblem && latestProblem.outcome === 'interrupted') {
    health = 'interrupted';
    problemRun = latestProblem;
    problem = `${job.name} was interrupted ${ago(endOf(latestProblem), now)}`;
  } else if (job.staleAfterDays !== null && now - (lastSuccess ? endOf(lastSuccess) : job.createdAt) > job.staleAfterDays * DAY) {
    health = 'overdue';
    problem = lastSuccess
      ? `${job.name}: no successful backup for ${duration(now - endOf(lastSuccess))}`
      : `${job.name}: never backed up (created ${ago(job.createdAt, now)})`;
  } else {
    health = finished.length === 0 && !lastSuccess ? 'never-run' : 'ok';
  }

  const baseIcon: TrayIcon = health === 'failed' ? 'error' : health === 'ok' || health === 'never-run' ? 'idle-ok' : 'warning';
  const icon: TrayIcon = live && baseIcon !== 'error' ? 'running' : baseIcon;
  const percent = live ? live.percent : null;
  let line: string;
  if (live) line = `${job.name}: ${percentText(percent).replace('Backing up', 'backing up')}`;
  else if (health === 'failed') line = `${job.name}: failed ${ago(endOf(problemRun!), now)} ✗`;
  else if (health === 'never-run') line = `${job.name}: not backed up yet`;
  else if (health === 'ok') line = `${job.name}: ${ago(endOf(lastSuccess!), now)} ✓`;
  else line = `${job.name}: ${problem!.startsWith(job.name) ? problem!.slice(job.name.length).replace(/^[:\s]+/, '') : problem!} ⚠`;

  return {
    jobId: job.id,
    name: job.name,
    health,
    icon,
    running: !!live,
    percent,
    lastSuccessAt: lastSuccess ? endOf(lastSuccess) : null,
    problemRunId: problemRun?.id ?? null,
    line,
    problem,
  };
}

const OUTCOME_MARK: Record<TrayOutcome, string> = { success: '✓', partial: '⚠', skipped: '⚠', interrupted: '⚠', failed: '✗', cancelled: '–', running: '…' };

/** Icon, tooltip, header and menu for the current history, live runs and pause. */
export function computeTrayState(input: TrayInput): TrayState {
  const { now } = input;
  const jobs = input.jobs.map((j) =>
    jobStatus(
      j,
      input.runs,
      input.live.find((l) => l.jobId === j.id),
      now,
    ),
  );
  const icon = jobs.reduce<TrayIcon>((acc, j) => (ICON_RANK[j.icon] > ICON_RANK[acc] ? j.icon : acc), 'idle-ok');
  const paused =
    input.pause === null ? null : input.pause.untilMs === null ? 'Schedules paused until resumed' : `Schedules paused for ${duration(input.pause.untilMs - now)} more`;

  // Tooltip: the issue's wording for one job; one line per job when there are several.
  const lines: string[] = [];
  if (jobs.length === 0) lines.push('No backup jobs yet');
  else if (jobs.length === 1) {
    const j = jobs[0]!;
    if (j.running) lines.push(percentText(j.percent));
    if (j.lastSuccessAt !== null) lines.push(`Last backup: ${ago(j.lastSuccessAt, now)} ${j.health === 'ok' ? '✓' : ''}`.trimEnd());
    else if (!j.running) lines.push('No backup yet');
    if (j.problem) lines.push(j.problem);
  } else {
    for (const j of jobs) lines.push(j.line);
  }
  if (paused) lines.push(paused);
  const tooltip = lines.join('\n');

  // Header: the most serious thing, with the one action that helps.
  const worst = [...jobs].sort((a, b) => rank(b) - rank(a))[0];
  let header: TrayState['header'];
  if (!worst) header = { tone: 'idle-ok', text: 'No jobs yet — create one to back up your music', action: null, paused };
  else if (worst.health === 'failed') {
    header = { tone: 'error', text: worst.problem!, action: { type: 'retry', jobId: worst.jobId, label: 'Retry' }, paused };
  } else if (worst.running) {
    const running = jobs.filter((j) => j.running);
    const text = running.length === 1 ? `Backing up ${worst.name}… ${worst.percent === null ? '' : `${Math.floor(worst.percent)} %`}`.trimEnd() : `Backing up ${running.length} jobs…`;
    header = { tone: 'running', text, action: null, paused };
  } else if (worst.icon === 'warning') {
    const action: HeaderAction | null = worst.problemRunId !== null ? { type: 'open-run', runId: worst.problemRunId, label: 'Details' } : { type: 'retry', jobId: worst.jobId, label: 'Back up now' };
    header = { tone: 'warning', text: worst.problem!, action, paused };
  } else {
    const last = Math.max(...jobs.map((j) => j.lastSuccessAt ?? -Infinity));
    const when = Number.isFinite(last) ? ago(last, now) : null;
    const lastText = when === 'just now' ? 'backed up just now' : `last ${when}`;
    // "All backups OK" must never be said while a job has no backup at all.
    const never = jobs.filter((j) => j.health === 'never-run' && !j.running);
    if (never.length > 0) {
      const who = never.length === 1 ? `${never[0]!.name} has not been backed up yet` : `${never.length} jobs have not been backed up yet`;
      const text = when === null ? who : `${who} · the others are OK, ${lastText}`;
      // While schedules are paused, Resume (added below) is the one action that helps most.
      header = { tone: 'idle-ok', text, action: paused ? null : { type: 'retry', jobId: never[0]!.jobId, label: 'Back up now' }, paused };
    } else {
      header = { tone: 'idle-ok', text: `All backups OK · ${lastText}`, action: null, paused };
    }
  }
  if (paused && header.action === null) header = { ...header, action: { type: 'resume', label: 'Resume' } };

  return { icon, image: imageFor(icon, jobs.length, paused !== null), startAtLogin: input.startAtLogin, tooltip, header, menu: menuFor(input, jobs, header.text), jobs };
}

// A pause matters less than a problem or a run, more than "all is well": with schedules paused
// nothing is backed up, and the icon should say so at a glance.
function imageFor(icon: TrayIcon, jobCount: number, paused: boolean): TrayImage {
  if (jobCount === 0) return 'no-jobs';
  if (icon === 'error' || icon === 'running' || icon === 'warning') return icon;
  return paused ? 'paused' : 'ok';
}

function rank(j: JobTrayStatus): number {
  if (j.health === 'failed') return 4;
  if (j.running) return 3;
  if (j.icon === 'warning') return 2;
  return 0;
}

function menuFor(input: TrayInput, jobs: readonly JobTrayStatus[], headline: string): TrayMenuItem[] {
  const menu: TrayMenuItem[] = [{ kind: 'label', text: headline }, { kind: 'separator' }];
  for (const j of jobs) {
    const name = jobs.length === 1 ? '' : ` “${j.name}”`;
    menu.push(
      j.running
        ? { kind: 'action', label: `Cancel${name} backup`, action: { type: 'cancel', jobId: j.jobId }, enabled: true }
        : { kind: 'action', label: `Back up${name} now`, action: { type: 'run-now', jobId: j.jobId }, enabled: true },
    );
  }
  if (jobs.length > 0) menu.push({ kind: 'separator' });
  if (input.pause) menu.push({ kind: 'action', label: 'Resume schedules', action: { type: 'resume' }, enabled: true });
  else
    menu.push({
      kind: 'submenu',
      label: 'Pause schedules',
      items: [
        { kind: 'action', label: 'For 1 hour', action: { type: 'pause', choice: 'one-hour' }, enabled: true },
        { kind: 'action', label: 'Until tomorrow', action: { type: 'pause', choice: 'until-tomorrow' }, enabled: true },
        { kind: 'action', label: 'Until resumed', action: { type: 'pause', choice: 'until-resumed' }, enabled: true },
      ],
    });
  const names = new Map(input.jobs.map((j) => [j.id, j.name]));
  const recent = input.runs
    .filter((r) => r.outcome !== 'running' && names.has(r.jobId))
    .sort((a, b) => endOf(b) - endOf(a))
    .slice(0, 5)
    .map<TrayMenuItem>((r) => ({ kind: 'action', label: `${OUTCOME_MARK[r.outcome]} ${names.get(r.jobId)} · ${ago(endOf(r), input.now)}`, action: { type: 'open-run', runId: r.id }, enabled: true }));
  menu.push({ kind: 'submenu', label: 'Recent runs', items: recent.length > 0 ? recent : [{ kind: 'label', text: 'No runs yet' }] });
  menu.push({ kind: 'separator' });
  menu.push({ kind: 'action', label: 'Open Reprise', action: { type: 'open' }, enabled: true });
  menu.push({ kind: 'action', label: 'Restore…', action: { type: 'restore' }, enabled: true });
  menu.push({ kind: 'separator' });
  if (input.startAtLogin !== null) menu.push({ kind: 'checkbox', label: 'Start at login', checked: input.startAtLogin, action: { type: 'toggle-start-at-login' } });
  menu.push({ kind: 'action', label: 'Quit Reprise', action: { type: 'quit' }, enabled: true });
  return menu;
}

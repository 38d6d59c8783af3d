import { describe, expect, it } from 'vitest';
import { type TrayInput, type TrayRun, computeTrayState } from '../../../shared/tray-state.js';

const NOW = Date.parse('2026-06-10T12:00:00Z');
const H = 3600_000;
const music = { id: 'm', name: 'Music', createdAt: NOW - 30 * 24 * H, staleAfterDays: 3 };
const photos = { id: 'p', name: 'Photos', createdAt: NOW - 30 * 24 * H, staleAfterDays: null };

let nextId = 1;
function run(jobId: string, hoursAgo: number, outcome: TrayRun['outcome'], dests: [string, TrayRun['outcome'], string | null][] = [['/srv/snap', outcome, null]]): TrayRun {
  const end = NOW - hoursAgo * H;
  const destinations = dests.map(([target, o, firstError]) => ({ target, outcome: o, firstError }));
  return { id: nextId++, jobId, startedAt: end - 60_000, endedAt: outcome === 'running' ? null : end, outcome, firstError: destinations.find((d) => d.firstError)?.firstError ?? null, destinations };
}

const base = (over: Partial<TrayInput>): TrayInput => ({ now: NOW, jobs: [music], runs: [], live: [], pause: null, startAtLogin: null, ...over });

describe('computeTrayState, one job', () => {
  const b2Fail: [string, TrayRun['outcome'], string | null] = ['b2:music', 'failed', 'couldn’t connect: 401 unauthorized'];
  it.each<[string, Partial<TrayInput>, { icon: string; tooltip: string; header: string; health: string; action?: string }]>([
    ['never run (new job)', { jobs: [{ ...music, createdAt: NOW - H }] }, { icon: 'idle-ok', tooltip: 'No backup yet', header: 'Music has not been backed up yet', health: 'never-run', action: 'retry' }],
    [
      'never run, created longer ago than its threshold',
      {},
      { icon: 'warning', tooltip: 'No backup yet\nMusic: never backed up (created 30 days ago)', header: 'Music: never backed up (created 30 days ago)', health: 'overdue', action: 'retry' },
    ],
    ['ok', { runs: [run('m', 2, 'success')] }, { icon: 'idle-ok', tooltip: 'Last backup: 2 h ago ✓', header: 'All backups OK · last 2 h ago', health: 'ok' }],
    ['ok, just now', { runs: [run('m', 0, 'success')] }, { icon: 'idle-ok', tooltip: 'Last backup: just now ✓', header: 'All backups OK · backed up just now', health: 'ok' }],
    [
      'overdue (no success for more than its 3 days)',
      { runs: [run('m', 4 * 24, 'success')] },
      { icon: 'warning', tooltip: 'Last backup: 4 days ago\nMusic: no successful backup for 4 days', header: 'Music: no successful backup for 4 days', health: 'overdue', action: 'retry' },
    ],
    [
      'failed',
      { runs: [run('m', 26, 'success'), run('m', 3, 'failed', [b2Fail])] },
      { icon: 'error', tooltip: 'Last backup: 26 h ago\nMusic → b2:music failed 3 h ago', header: 'Music → b2:music failed 3 h ago', health: 'failed', action: 'retry' },
    ],
    [
      'failed, then partial: the error stays until a success',
      { runs: [run('m', 26, 'success'), run('m', 5, 'failed', [b2Fail]), run('m', 1, 'partial', [['/srv/snap', 'success', null], b2Fail])] },
      { icon: 'error', tooltip: 'Last backup: 26 h ago\nMusic → b2:music failed 5 h ago', header: 'Music → b2:music failed 5 h ago', health: 'failed', action: 'retry' },
    ],
    ['failed, then success: cleared by itself', { runs: [run('m', 5, 'failed', [b2Fail]), run('m', 1, 'success')] }, { icon: 'idle-ok', tooltip: 'Last backup: 1 h ago ✓', header: 'All backups OK · last 1 h ago', health: 'ok' }],
    [
      'partial',
      { runs: [run('m', 1, 'partial', [['/srv/snap', 'success', null], b2Fail])] },
      { icon: 'warning', tooltip: 'No backup yet\nMusic partly backed up 1 h ago — b2:music failed', header: 'Music partly backed up 1 h ago — b2:music failed', health: 'partial', action: 'open-run' },
    ],
    [
      'destination missing',
      { runs: [run('m', 30, 'success'), run('m', 2, 'skipped', [['/media/alice/USB', 'skipped', 'drive not connected']])] },
      { icon: 'warning', tooltip: 'Last backup: 30 h ago\nMusic → /media/alice/USB missing 2 h ago', header: 'Music → /media/alice/USB missing 2 h ago', health: 'destination-missing', action: 'open-run' },
    ],
    [
      'running',
      { runs: [run('m', 2, 'success'), run('m', 0, 'running')], live: [{ jobId: 'm', runId: 99, percent: 43.7 }] },
      { icon: 'running', tooltip: 'Backing up… 43 %\nLast backup: 2 h ago ✓', header: 'Backing up Music… 43 %', health: 'ok' },
    ],
    [
      'running after a failure: the error icon stays',
      { runs: [run('m', 3, 'failed', [b2Fail])], live: [{ jobId: 'm', runId: 99, percent: null }] },
      { icon: 'error', tooltip: 'Backing up…\nMusic → b2:music failed 3 h ago', header: 'Music → b2:music failed 3 h ago', health: 'failed', action: 'retry' },
    ],
    ['a cancelled run changes nothing', { runs: [run('m', 5, 'success'), run('m', 1, 'cancelled')] }, { icon: 'idle-ok', tooltip: 'Last backup: 5 h ago ✓', header: 'All backups OK · last 5 h ago', health: 'ok' }],
    [
      'interrupted (the app was killed mid-run)',
      { runs: [run('m', 5, 'success'), run('m', 1, 'interrupted')] },
      { icon: 'warning', tooltip: 'Last backup: 5 h ago\nMusic was interrupted 1 h ago', header: 'Music was interrupted 1 h ago', health: 'interrupted', action: 'open-run' },
    ],
  ])('%s', (_name, over, want) => {
    const s = computeTrayState(base(over));
    expect(s.icon).toBe(want.icon);
    expect(s.tooltip).toBe(want.tooltip);
    expect(s.header.text).toBe(want.header);
    expect(s.header.tone).toBe(want.icon === 'running' ? 'running' : want.icon);
    expect(s.jobs[0]!.health).toBe(want.health);
    expect(s.header.action?.type).toBe(want.action);
    expect(s.menu[0]).toEqual({ kind: 'label', text: want.header });
  });

  it('points the header at the run behind a warning', () => {
    const partial = run('m', 1, 'partial', [['/srv/snap', 'success', null], ['b2:music', 'failed', 'x']]);
    const s = computeTrayState(base({ runs: [partial] }));
    expect(s.header.action).toEqual({ type: 'open-run', runId: partial.id, label: 'Details' });
    expect(s.jobs[0]!.problemRunId).toBe(partial.id);
  });
});

describe('computeTrayState, several jobs and the menu', () => {
  it('lists each job on its own tooltip line and shows the worst in the header', () => {
    const s = computeTrayState(
      base({
        jobs: [music, photos, { id: 'd', name: 'Docs', createdAt: NOW - H, staleAfterDays: 7 }],
        runs: [run('m', 2, 'success'), run('p', 3, 'failed', [['b2:photos', 'failed', 'quota exceeded']])],
        live: [{ jobId: 'm', runId: 7, percent: 12 }],
      }),
    );
    expect(s.icon).toBe('error');
    expect(s.tooltip).toBe(['Music: backing up… 12 %', 'Photos: failed 3 h ago ✗', 'Docs: not backed up yet'].join('\n'));
    expect(s.header).toMatchObject({ tone: 'error', text: 'Photos → b2:photos failed 3 h ago', action: { type: 'retry', jobId: 'p' } });
  });

  it('offers Back up now per job, Cancel for a running one, Pause, recent runs, Open, Restore, Start at login and Quit', () => {
    const runs = [run('m', 2, 'success'), run('p', 3, 'failed', [['b2:photos', 'failed', 'quota']]), run('p', 30, 'success')];
    const s = computeTrayState(base({ jobs: [music, photos], runs, live: [{ jobId: 'p', runId: 9, percent: 5 }], startAtLogin: true }));
    const labels = s.menu.map((i) => (i.kind === 'separator' ? '---' : i.kind === 'label' ? `[${i.text}]` : i.label));
    expect(labels).toEqual([
      '[Photos → b2:photos failed 3 h ago]',
      '---',
      'Back up “Music” now',
      'Cancel “Photos” backup',
      '---',
      'Pause schedules',
      'Recent runs',
      '---',
      'Open Reprise',
      'Restore…',
      '---',
      'Start at login',
      'Quit Reprise',
    ]);
    const pause = s.menu.find((i) => i.kind === 'submenu' && i.label === 'Pause schedules');
    expect(pause?.kind === 'submenu' && pause.items.map((i) => i.kind === 'action' && i.action)).toEqual([
      { type: 'pause', choice: 'one-hour' },
      { type: 'pause', choice: 'until-tomorrow' },
      { type: 'pause', choice: 'until-resumed' },
    ]);
    const recent = s.menu.find((i) => i.kind === 'submenu' && i.label === 'Recent runs');
    expect(recent?.kind === 'submenu' && recent.items.map((i) => i.kind === 'action' && [i.label, i.action])).toEqual([
      ['✓ Music · 2 h ago', { type: 'open-run', runId: runs[0]!.id }],
      ['✗ Photos · 3 h ago', { type: 'open-run', runId: runs[1]!.id }],
      ['✓ Photos · 30 h ago', { type: 'open-run', runId: runs[2]!.id }],
    ]);
  });

  it('says when schedules are paused and offers Resume', () => {
    const s = computeTrayState(base({ runs: [run('m', 2, 'success')], pause: { untilMs: NOW + 45 * 60_000 } }));
    expect(s.tooltip).toBe('Last backup: 2 h ago ✓\nSchedules paused for 45 min more');
    expect(s.header).toMatchObject({ paused: 'Schedules paused for 45 min more', action: { type: 'resume' } });
    expect(s.menu.some((i) => i.kind === 'action' && i.action.type === 'resume')).toBe(true);
    expect(s.menu.some((i) => i.kind === 'submenu' && i.label === 'Pause schedules')).toBe(false);
    expect(computeTrayState(base({ pause: { untilMs: null } })).header.paused).toBe('Schedules paused until resumed');
  });

  it('never says "All backups OK" while a job has never run', () => {
    const docs = { id: 'd', name: 'Docs', createdAt: NOW - H, staleAfterDays: 7 };
    const s = computeTrayState(base({ jobs: [music, docs], runs: [run('m', 2, 'success')] }));
    expect(s.icon).toBe('idle-ok');
    expect(s.header).toMatchObject({ text: 'Docs has not been backed up yet · the others are OK, last 2 h ago', action: { type: 'retry', jobId: 'd', label: 'Back up now' } });
    const none = computeTrayState(base({ jobs: [{ ...music, createdAt: NOW - H }, docs] }));
    expect(none.header.text).toBe('2 jobs have not been backed up yet');
    // Running counts as under way, not as never run.
    expect(computeTrayState(base({ jobs: [music, docs], runs: [run('m', 2, 'success')], live: [{ jobId: 'd', runId: 3, percent: null }] })).header.text).toBe('Backing up Docs…');
  });

  it('has an empty state that says what to do', () => {
    const s = computeTrayState(base({ jobs: [] }));
    expect(s).toMatchObject({ icon: 'idle-ok', tooltip: 'No backup jobs yet', header: { text: 'No jobs yet — create one to back up your music' } });
  });
});

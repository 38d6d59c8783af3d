import { describe, expect, it } from 'vitest';
import type { JobStatus, RunSummary } from '../../../shared/model.js';
import { headerState } from '../../../shared/status-line.js';

const H = 3600_000;
const now = 100 * H;
const job = (name: string, lastRun: Partial<RunSummary> | null, runningId: number | null = null): JobStatus => ({
  job: { id: name, name, sources: ['/m'], destinations: [{ id: 'd', kind: 'copy', target: 'b2:x' }], excludes: [], schedule: null, bwlimit: null, createdAt: '' },
  lastRun: lastRun
    ? ({ id: 1, jobId: name, jobName: name, trigger: 'manual', dryRun: false, startedAt: now - 2 * H, endedAt: now - 2 * H, outcome: 'success', bytes: 0, files: 0, errors: 0, firstError: null, logPath: null, destinations: [], ...lastRun } as RunSummary)
    : null,
  nextRun: null,
  live: null,
  runningId,
});

describe('status line (header and tray)', () => {
  it.each([
    ['no jobs', [], 'muted', 'No backups set up yet'],
    ['never run', [job('Music', null)], 'muted', 'No backup has run yet'],
    ['all ok', [job('Music', {}), job('Photos', { startedAt: now - 5 * H })], 'ok', 'All backups OK · last 2 h ago'],
    ['one never run', [job('Music', {}), job('Photos', null)], 'warn', 'Photos has never been backed up'],
    ['partial', [job('Music', { outcome: 'partial' })], 'warn', 'Music: last backup partial 2 h ago'],
    [
      'failed names the destination',
      [job('Music', { outcome: 'failed', startedAt: now - 3 * H, destinations: [{ destId: 'd', kind: 'copy', target: 'b2:x', outcome: 'failed', startedAt: 0, endedAt: 0, bytes: 0, files: 0, errors: 1, firstError: 'x' }] })],
      'bad',
      'Music → b2:x failed 3 h ago',
    ],
    ['running', [job('Music', {}, 7)], 'busy', 'Backing up Music…'],
  ] as const)('%s', (_name, jobs, tone, text) => {
    const s = headerState(jobs as unknown as JobStatus[], {}, now);
    expect(s.tone).toBe(tone);
    expect(s.text).toBe(text);
  });

  it('shows live percent while running and offers Retry for a failure', () => {
    const running = headerState([job('Music', {}, 7)], { Music: { percent: 43 } as never }, now);
    expect(running.text).toBe('Backing up Music… 43 %');
    expect(headerState([job('Music', { outcome: 'failed' })], {}, now).retryJob).toBe('Music');
  });
});

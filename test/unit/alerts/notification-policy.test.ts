import { describe, expect, it } from 'vitest';
import { type NotifyRun, notificationsForRun, staleBackupNotifications } from '../../../electron/core/alerts/notification-policy.js';

const AT = Date.parse('2026-06-10T03:05:00Z');
const run = (outcome: NotifyRun['outcome'], destinations: NotifyRun['destinations'], extra: Partial<NotifyRun> = {}): NotifyRun => ({
  id: 42,
  jobId: 'm',
  jobName: 'Music',
  outcome,
  endedAt: AT,
  firstError: destinations.find((d) => d.firstError)?.firstError ?? null,
  destinations,
  ...extra,
});
const ok = { target: '/srv/snap', outcome: 'success', firstError: null } as const;
const b2 = { target: 'b2:music', outcome: 'failed', firstError: 'Failed to copy: 401 Unauthorized: bad key' } as const;
const usb = { target: '/media/alice/USB', outcome: 'skipped', firstError: 'its drive is not connected' } as const;

describe('notificationsForRun', () => {
  it.each<[string, NotifyRun, { notifyOnSuccess: boolean }, [string, string, string | null][]]>([
    ['success is quiet by default', run('success', [ok]), { notifyOnSuccess: false }, []],
    ['success when opted in', run('success', [ok]), { notifyOnSuccess: true }, [['success', 'Music backed up', null]]],
    ['failed', run('failed', [b2]), { notifyOnSuccess: false }, [['failed', 'Music backup failed', 'b2:music']]],
    ['partial names the failed destination', run('partial', [ok, b2]), { notifyOnSuccess: false }, [['partial', 'Music partly backed up', 'b2:music']]],
    ['destination missing is its own alert', run('skipped', [usb]), { notifyOnSuccess: false }, [['destination-missing', 'Music: destination missing', '/media/alice/USB']]],
    ['partial because of a missing drive: one alert, not two', run('partial', [ok, usb]), { notifyOnSuccess: false }, [['destination-missing', 'Music: destination missing', '/media/alice/USB']]],
    [
      'failed and missing together',
      run('failed', [b2, usb]),
      { notifyOnSuccess: false },
      [
        ['destination-missing', 'Music: destination missing', '/media/alice/USB'],
        ['failed', 'Music backup failed', 'b2:music'],
      ],
    ],
    ['cancelled by the user: nothing', run('cancelled', [ok]), { notifyOnSuccess: true }, []],
    ['dry run: nothing', run('failed', [b2], { dryRun: true }), { notifyOnSuccess: false }, []],
  ])('%s', (_n, r, prefs, want) => {
    expect(notificationsForRun(r, prefs).map((n) => [n.kind, n.title, n.destination])).toEqual(want);
  });

  it('names job, destination and first error, and opens the run', () => {
    const [n] = notificationsForRun(run('partial', [ok, b2, { ...b2, target: 'gdrive:music' }]));
    expect(n).toEqual({
      key: 'run:m',
      kind: 'partial',
      severity: 'warning',
      jobId: 'm',
      jobName: 'Music',
      runId: 42,
      destination: 'b2:music',
      firstError: 'Failed to copy: 401 Unauthorized: bad key',
      title: 'Music partly backed up',
      body: 'b2:music (and 1 more destination) failed: Failed to copy: 401 Unauthorized: bad key. The other destinations are up to date.',
      atMs: AT,
    });
  });

  it('shortens a very long first error', () => {
    const [n] = notificationsForRun(run('failed', [{ ...b2, firstError: 'x'.repeat(500) }]));
    expect(n!.body.length).toBeLessThan(200);
    expect(n!.body.endsWith('…')).toBe(true);
    expect(n!.firstError).toHaveLength(500);
  });
});

describe('staleBackupNotifications', () => {
  const D = 24 * 3600_000;
  const NOW = Date.parse('2026-06-10T12:00:00Z');
  const job = { id: 'm', name: 'Music', createdAt: NOW - 100 * D, staleAfterDays: 3, lastSuccessAt: NOW - 4 * D };

  it('alerts once per stale stretch and again after a new success goes stale', () => {
    const first = staleBackupNotifications(NOW, [job], {});
    expect(first.notifications.map((n) => n.title)).toEqual(['Music: no successful backup for 4 days']);
    expect(staleBackupNotifications(NOW + D, [job], first.alerted).notifications).toEqual([]);
    const later = { ...job, lastSuccessAt: NOW + D };
    expect(staleBackupNotifications(NOW + 2 * D, [later], first.alerted).notifications).toEqual([]);
    expect(staleBackupNotifications(NOW + 5 * D, [later], first.alerted).notifications.map((n) => n.title)).toEqual(['Music: no successful backup for 4 days']);
  });

  it('counts from creation for a job that never succeeded, and stays quiet when N is off or not reached', () => {
    const never = { ...job, lastSuccessAt: null };
    expect(staleBackupNotifications(NOW, [never], {}).notifications[0]!.body).toMatch(/never completed a backup/);
    expect(staleBackupNotifications(NOW, [{ ...job, staleAfterDays: null }], {}).notifications).toEqual([]);
    expect(staleBackupNotifications(NOW, [{ ...job, staleAfterDays: 5 }], {}).notifications).toEqual([]);
  });
});

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../../electron/core/history/history.js';
import { migrate, migrations } from '../../../electron/core/history/migrations.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('history migration 6 (full check or top-up per mirror run)', () => {
  it('adds a sync column to a version-5 database, keeping its rows', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 5));
    db.prepare("INSERT INTO runs (job_id, job_name, trigger, started_at, outcome) VALUES ('j', 'J', 'schedule', 1, 'success')").run();
    db.prepare("INSERT INTO run_destinations (run_id, dest_id, kind, target, outcome, started_at, requests) VALUES (1, 'd', 'mirror', 's3:b', 'success', 1, 7)").run();
    expect(migrate(db, migrations.slice(0, 6))).toBe(6);
    expect(db.prepare('SELECT requests, sync FROM run_destinations').get()).toEqual({ requests: 7, sync: null });
  });

  it('keeps whether a mirror run was a full check or a top-up, and leaves it out for other runs', () => {
    const h = openHistory(join(tempDir(), 'history.db'));
    const runId = h.startRun({ jobId: 'j', jobName: 'J', trigger: 'manual', dryRun: false, startedAt: 5, logPath: null });
    const base = { kind: 'mirror' as const, outcome: 'success' as const, startedAt: 5, endedAt: 6, bytes: 1, files: 1, errors: 0, firstError: null };
    h.recordDestination(runId, { ...base, destId: 'full', target: 's3:b', requests: 900, sync: 'full' });
    h.recordDestination(runId, { ...base, destId: 'top', target: 's3:c', requests: 12, sync: 'top-up' });
    h.recordDestination(runId, { ...base, destId: 'plain', kind: 'snapshot', target: '/mnt/backup' });
    const dests = h.get(runId)!.destinations;
    expect(dests.find((d) => d.destId === 'full')?.sync).toBe('full');
    expect(dests.find((d) => d.destId === 'top')?.sync).toBe('top-up');
    expect(dests.find((d) => d.destId === 'plain')).not.toHaveProperty('sync');
    h.close();
  });
});

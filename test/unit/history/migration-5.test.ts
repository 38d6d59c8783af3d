import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../../electron/core/history/history.js';
import { migrate, migrations } from '../../../electron/core/history/migrations.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('history migration 5 (requests per destination)', () => {
  it('adds a requests column to a version-4 database, keeping its rows', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 4));
    db.prepare("INSERT INTO runs (job_id, job_name, trigger, started_at, outcome) VALUES ('j', 'J', 'schedule', 1, 'success')").run();
    db.prepare("INSERT INTO run_destinations (run_id, dest_id, kind, target, outcome, started_at) VALUES (1, 'd', 'mirror', 's3:b', 'success', 1)").run();
    expect(migrate(db, migrations.slice(0, 5))).toBe(5);
    expect(db.prepare('SELECT requests FROM run_destinations').get()).toEqual({ requests: null });
  });

  it('keeps the requests a destination counted, and leaves them out where none were counted', () => {
    const h = openHistory(join(tempDir(), 'history.db'));
    const runId = h.startRun({ jobId: 'j', jobName: 'J', trigger: 'manual', dryRun: false, startedAt: 5, logPath: null });
    const base = { kind: 'mirror' as const, outcome: 'success' as const, startedAt: 5, endedAt: 6, bytes: 1, files: 1, errors: 0, firstError: null };
    h.recordDestination(runId, { ...base, destId: 'counted', target: 's3:b', requests: 42 });
    h.recordDestination(runId, { ...base, destId: 'plain', target: '/mnt/backup' });
    const dests = h.get(runId)!.destinations;
    expect(dests.find((d) => d.destId === 'counted')?.requests).toBe(42);
    expect(dests.find((d) => d.destId === 'plain')).not.toHaveProperty('requests');
    h.close();
  });
});

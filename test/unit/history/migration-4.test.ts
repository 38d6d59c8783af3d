import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../../electron/core/history/migrations.js';
import { readRunFailures, saveRunFailures } from '../../../electron/core/history/run-failures.js';

describe('history migration 4 (files a run could not back up)', () => {
  it('upgrades a version-3 database keeping its runs; failures are kept per destination and go with their run', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 3));
    const run = Number(db.prepare("INSERT INTO runs (job_id, job_name, trigger, started_at, outcome) VALUES ('j', 'J', 'schedule', 1, 'partial')").run().lastInsertRowid);
    expect(migrate(db, migrations.slice(0, 4))).toBe(4);
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 1 });
    saveRunFailures(db, run, 'd1', [{ path: 'Music/b.flac', error: 'permission denied' }, { path: 'Music/a.flac', error: 'gone' }]);
    saveRunFailures(db, run, 'd2', []);
    expect(readRunFailures(db, run, 10)).toEqual({ runId: run, files: [{ destId: 'd1', path: 'Music/a.flac', error: 'gone' }, { destId: 'd1', path: 'Music/b.flac', error: 'permission denied' }], counts: { d1: 2 } });
    saveRunFailures(db, run, 'd1', [{ path: 'Music/c.flac', error: 'x' }]);
    expect(readRunFailures(db, run, 10).counts).toEqual({ d1: 1 });
    db.prepare('DELETE FROM runs WHERE id = ?').run(run);
    expect(readRunFailures(db, run, 10)).toEqual({ runId: run, files: [], counts: {} });
  });
});

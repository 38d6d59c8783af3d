import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../../electron/core/audit/audit-log.js';
import { migrate, migrations } from '../../../electron/core/history/migrations.js';
import { cleanupTempDirs } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('history migration 3 (the audit log)', () => {
  it('upgrades a version-2 database with runs in it, keeping them, and adds the audit table', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 2));
    db.prepare("INSERT INTO runs (job_id, job_name, trigger, started_at, outcome) VALUES ('j', 'J', 'schedule', 1, 'success')").run();
    expect(migrate(db, migrations.slice(0, 3))).toBe(3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const cols = (db.prepare('PRAGMA table_info(audit)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['id', 'at', 'actor', 'operation', 'source', 'destination', 'result', 'files', 'bytes', 'detail']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 1 });
  });

  it('records operations newest first, filters by operation, and keeps secrets out', () => {
    const db = new Database(':memory:');
    migrate(db);
    let t = 1000;
    const log = auditLog(db, () => t++, 'cli', (s) => s.replaceAll('hunter2', '***'));
    log.record({ operation: 'remote add', destination: 'dav', result: 'ok', detail: 'pass=hunter2' });
    log.record({ operation: 'files copy', actor: 'window', source: 'dav:a', destination: 'dav:b', result: 'ok', files: 3, bytes: 30 });
    log.record({ operation: 'run', actor: 'schedule', source: 'dav:Music', destination: '/m', result: 'partial', files: 1, bytes: 2 });
    expect(log.list({ limit: 10 }).map((e) => `${e.at} ${e.actor} ${e.operation} ${e.result}`)).toEqual(['1002 schedule run partial', '1001 window files copy ok', '1000 cli remote add ok']);
    expect(log.list({ limit: 10, operation: 'files' })).toMatchObject([{ source: 'dav:a', destination: 'dav:b', files: 3, bytes: 30 }]);
    expect(log.list({ limit: 10, operation: 'remote' })[0]!.detail).toBe('pass=***');
    expect(log.list({ limit: 1 })).toHaveLength(1);
  });
});

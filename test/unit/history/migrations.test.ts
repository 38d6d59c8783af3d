import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../../electron/core/history/migrations.js';
import { openHistory } from '../../../electron/core/history/history.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { join } from 'node:path';

afterAll(cleanupTempDirs);

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe('history migrations', () => {
  it('migration 1 creates runs and run_destinations and sets user_version 1', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 1));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['run_destinations', 'runs']);
    const cols = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['job_id', 'trigger', 'outcome', 'first_error', 'log_path', 'pid']));
  });

  it('is idempotent and refuses a database from a newer Reprise', () => {
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(migrations.length);
    expect(migrate(db)).toBe(migrations.length);
    db.pragma(`user_version = ${migrations.length + 5}`);
    expect(() => migrate(db)).toThrow(/newer Reprise/);
  });

  it('rolls back a failing migration as a whole', () => {
    const db = new Database(':memory:');
    const broken = [...migrations, (d: Database.Database) => {
      d.exec('CREATE TABLE half (x)');
      throw new Error('boom');
    }];
    expect(() => migrate(db, broken)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(tables(db)).not.toContain('half');
  });

  it('marks runs of dead processes interrupted at start-up, but not runs of live ones', () => {
    const path = join(tempDir(), 'history.db');
    const h = openHistory(path);
    const dead = h.startRun({ jobId: 'j', jobName: 'J', trigger: 'manual', dryRun: false, startedAt: 1, logPath: null });
    const alive = h.startRun({ jobId: 'k', jobName: 'K', trigger: 'manual', dryRun: false, startedAt: 2, logPath: null });
    h.raw().prepare('UPDATE runs SET pid = ? WHERE id = ?').run(999_999_999, dead);
    h.raw().prepare('UPDATE runs SET pid = ? WHERE id = ?').run(process.ppid, alive);
    expect(h.interruptStale(10)).toEqual([dead]);
    expect(h.get(dead)).toMatchObject({ outcome: 'interrupted', endedAt: 10 });
    expect(h.get(alive)).toMatchObject({ outcome: 'running' });
    h.close();
  });
});

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChangeRecorder } from '../../../electron/core/history/change-log.js';
import { openHistory } from '../../../electron/core/history/history.js';
import { migrate, migrations } from '../../../electron/core/history/migrations.js';
import { readRunChanges, runChangeCounts, saveRunChanges } from '../../../electron/core/history/run-changes.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('history migration 2 (what changed per run and destination)', () => {
  it('upgrades a version-1 database with runs in it, keeping them, and adds run_changes', () => {
    const db = new Database(':memory:');
    migrate(db, migrations.slice(0, 1));
    db.prepare("INSERT INTO runs (job_id, job_name, trigger, started_at, outcome) VALUES ('j', 'J', 'schedule', 1, 'success')").run();
    expect(migrate(db, migrations.slice(0, 2))).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    const cols = (db.prepare('PRAGMA table_info(run_changes)').all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['run_id', 'dest_id', 'added', 'changed', 'deleted', 'bytes', 'list']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 1 });
    const idx = db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND name='runs_outcome_started'").get();
    expect(idx).toBeTruthy();
  });

  it('stores counts and the compressed list per destination, deleted with its run', () => {
    const h = openHistory(join(tempDir(), 'history.db'));
    const runId = h.startRun({ jobId: 'j', jobName: 'J', trigger: 'catch-up', dryRun: false, startedAt: 5, logPath: null });
    const rec = new ChangeRecorder();
    rec.add({ action: 'added', path: 'Björk/Post/01.flac', size: 10 });
    rec.add({ action: 'deleted', path: 'old.mp3', size: null });
    saveRunChanges(h.raw(), runId, 'd1', rec.finish());
    expect(runChangeCounts(h.raw(), runId)).toEqual([{ destId: 'd1', added: 1, changed: 0, deleted: 1, bytes: 10 }]);
    expect(readRunChanges(h.raw(), runId, 'd1', { action: 'added' }).entries).toEqual([{ action: 'added', path: 'Björk/Post/01.flac', size: 10 }]);
    expect(h.get(runId)?.trigger).toBe('catch-up');
    h.raw().prepare('DELETE FROM runs WHERE id = ?').run(runId);
    expect(runChangeCounts(h.raw(), runId)).toEqual([]);
    h.close();
  });

  it('filters runs by job, outcome and start time', () => {
    const h = openHistory(join(tempDir(), 'history.db'));
    const mk = (jobId: string, startedAt: number, outcome: 'success' | 'failed') => {
      const id = h.startRun({ jobId, jobName: jobId.toUpperCase(), trigger: 'schedule', dryRun: false, startedAt, logPath: null });
      h.finishRun(id, { outcome, endedAt: startedAt + 1, bytes: 0, files: 0, errors: outcome === 'failed' ? 1 : 0, firstError: null });
      return id;
    };
    const a1 = mk('a', 100, 'success');
    const a2 = mk('a', 200, 'failed');
    const b1 = mk('b', 300, 'failed');
    const ids = (f: Parameters<typeof h.query>[0]) => h.query(f).map((r) => r.id);
    expect(ids({ limit: 10 })).toEqual([b1, a2, a1]);
    expect(ids({ jobId: 'a', limit: 10 })).toEqual([a2, a1]);
    expect(ids({ outcome: 'failed', limit: 10 })).toEqual([b1, a2]);
    expect(ids({ since: 150, until: 300, limit: 10 })).toEqual([a2]);
    h.close();
  });
});

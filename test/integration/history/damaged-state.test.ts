// A damaged history.db or locks.sqlite (garbage, or truncated as a full disk leaves it) is moved
// aside for inspection and replaced; the user is told once (a CLI stderr line, a notification,
// the window's app:info), and backups go on.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppNotification } from '../../../shared/alerts.js';
import { createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { reprise } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

// A data folder with a job that has run twice (so history.db and locks.sqlite hold real rows).
async function dataWithRuns(): Promise<{ root: string; data: string }> {
  const root = tempDir('reprise-damaged-');
  const data = join(root, 'data');
  makeLibrary(join(root, 'Music'), { artists: ['Björk'] });
  expect((await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'Music'), '--copy', join(root, 'out')])).exitCode).toBe(0);
  for (let i = 0; i < 2; i++) expect((await reprise(data, ['run', 'Music'])).exitCode).toBe(0);
  return { root, data };
}

// Garbage over the whole file, or the file cut in half; the WAL (already checkpointed) goes.
function damage(file: string, how: 'garbage' | 'truncated'): void {
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  if (how === 'garbage') writeFileSync(file, randomBytes(statSync(file).size || 8192));
  else truncateSync(file, Math.floor(statSync(file).size / 2));
}

// Makes a file big enough that half of it loses table pages, not just free space.
function fillHistory(data: string): void {
  const db = new Database(join(data, 'history.db'));
  const insert = db.prepare(`INSERT INTO runs (job_id, job_name, trigger, started_at, outcome) VALUES ('x', 'Old', 'cli', ?, 'success')`);
  db.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(i);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

describe.each(['garbage', 'truncated'] as const)('a %s database', (how) => {
  it('history.db: moved aside, a new one made, said once on stderr, the backup runs', async () => {
    const { data } = await dataWithRuns();
    fillHistory(data);
    const file = join(data, 'history.db');
    damage(file, how);
    const before = readFileSync(file);

    const run = await reprise(data, ['run', 'Music']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^reprise: history\.db was damaged \(.+\); it was moved to history\.db\.damaged-[\dT-]+Z and a new one was started\. Backups go on; the history of earlier runs is in the moved file\.$/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const moved = readdirSync(data).filter((f) => /^history\.db\.damaged-[\dT-]+Z$/.test(f));
    expect(moved).toHaveLength(1);
    expect(readFileSync(join(data, moved[0]!)).equals(before)).toBe(true);

    // Told once: the next command says nothing about it, and history goes on from the new file.
    const history = await reprise(data, ['history', 'Music', '--json']);
    expect(history.stderr).toBe('');
    expect((JSON.parse(history.stdout) as { outcome: string }[]).map((r) => r.outcome)).toEqual(['success']);
  });

  it('locks.sqlite: moved aside, a new one made, said once, the backup runs', async () => {
    const { data } = await dataWithRuns();
    const file = join(data, 'locks.sqlite');
    const db = new Database(file);
    // Enough rows that the cut loses pages that hold them.
    const ins = db.prepare('INSERT INTO job_children (host, pid, job_id, tool, run_id, since) VALUES (?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) ins.run('elsewhere', i, `job-${i}`, 'rclone', i, i);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    damage(file, how);

    const run = await reprise(data, ['run', 'Music']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^reprise: locks\.sqlite was damaged \(.+\); it was moved to locks\.sqlite\.damaged-[\dT-]+Z and a new one was started\. Backups go on\.$/m);
    expect(readdirSync(data).filter((f) => f.startsWith('locks.sqlite.damaged-'))).toHaveLength(1);
    const again = await reprise(data, ['run', 'Music']);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).not.toContain('damaged');
  });
});

describe('in the app and serve', () => {
  it('raises one notification and lists the notice in app:info for the window', async () => {
    const { data } = await dataWithRuns();
    damage(join(data, 'history.db'), 'garbage');
    const core = createCore({ dataDir: data, host: 'serve' });
    try {
      const seen: AppNotification[] = [];
      core.events.on('notifications:raised', (n) => seen.push(n));
      await new Promise((r) => setImmediate(r));
      expect(seen).toEqual([expect.objectContaining({ kind: 'damaged-state', severity: 'warning', title: 'Reprise replaced a damaged database' })]);
      expect(seen[0]!.body).toMatch(/^history\.db was damaged/);
      const info = await dispatch(core.handlers, 'app:info', {});
      expect(info.ok && info.value).toMatchObject({ notices: [seen[0]!.body] });
      // Backups go on.
      const started = await dispatch(core.handlers, 'runs:start', { name: 'Music', dryRun: false, trigger: 'manual' });
      expect(started.ok).toBe(true);
      const run = await core.runs.wait((started as { ok: true; value: { runId: number } }).value.runId);
      expect(run?.outcome).toBe('success');
    } finally {
      await core.close();
    }
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistory } from '../../../electron/core/history/history.js';
import { migrations } from '../../../electron/core/history/migrations.js';

const RACER = join(import.meta.dirname, 'helpers', 'open-racer.mjs');
const PROCESSES = 4;
const ROUNDS = 15;
const GAP_MS = 150;

function race(dir: string, startAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--experimental-strip-types', '--no-warnings', RACER, dir, String(startAt), String(ROUNDS), String(GAP_MS)]);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`racer exited ${code}: ${err}`))));
  });
}

describe('several processes opening one history database at the same instant', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Seen in CI before the fix: the second process's `journal_mode = WAL` failed with SQLITE_BUSY
  // ("database is locked") at once, without waiting. Here 4 processes race on 15 fresh files.
  it('all open it, in WAL mode, migrated exactly once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'reprise-open-race-'));
    // Far enough ahead for every racer to have started and loaded the sources.
    const startAt = Date.now() + 3000;
    const outputs = await Promise.all(Array.from({ length: PROCESSES }, () => race(dir, startAt)));

    const results = outputs.flatMap((o) => o.trim().split('\n').map((l) => JSON.parse(l) as { round: number; ok?: true; error?: string }));
    expect(results).toHaveLength(PROCESSES * ROUNDS);
    expect(results.filter((r) => r.error)).toEqual([]);
    for (let round = 0; round < ROUNDS; round++) {
      const history = openHistory(join(dir, `${round}.sqlite`));
      const db = history.raw();
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: safe with WAL, one fsync less per commit
      expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
      history.close();
    }
  }, 60_000);
});

// The race: `reprise run` from a terminal holds the job while the scheduler in
// `reprise serve` reaches the job's slot. The scheduler must not start a second run; it says why.
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { nextRunTime } from '../../../electron/core/scheduler/cron.js';
import { repriseBin, reprise } from '../../support/cli.js';
import { makeLibrary } from '../../support/library.js';
import { startServe } from '../../support/serve.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

function client(serveUrl: string) {
  const u = new URL(serveUrl);
  const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`, { headers: { origin: `http://${u.host}` } });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  return {
    async ask<T>(name: string, req: unknown): Promise<T> {
      await opened;
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const onMsg = (d: Buffer) => {
          const m = JSON.parse(String(d)) as { type: string; id?: number; result?: { ok: boolean; value?: T; error?: { message: string } } };
          if (m.type !== 'result' || m.id !== id) return;
          ws.off('message', onMsg);
          if (m.result?.ok) resolve(m.result.value as T);
          else reject(new Error(m.result?.error?.message));
        };
        ws.on('message', onMsg);
        ws.send(JSON.stringify({ type: 'invoke', id, name, req }));
      });
    },
    close: () => ws.close(),
  };
}

describe('a CLI run while the serve scheduler reaches the same job', () => {
  it('runs the job once: the scheduler skips its slot and logs who holds the job', async () => {
    const root = tempDir();
    const dataDir = join(root, 'data');
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Motörhead'], tracksPerAlbum: 2, trackBytes: 10_000_000 });
    const add = await reprise(dataDir, ['job', 'add', 'Music', '--source', music, '--copy', join(root, 'dest'), '--bwlimit', '1M', '--schedule', '0 3 * * *']);
    expect(add.exitCode).toBe(0);
    const serve = await startServe(dataDir, { REPRISE_TEST_CLOCK: String(Date.parse('2026-06-01T02:00:00Z')) });
    const c = client(serve.url);
    try {
      const cli = execa(process.execPath, [repriseBin, '--data-dir', dataDir, '--json', 'run', 'Music'], { reject: false, buffer: true });
      // Wait for the CLI's "started" event: from then on it holds the job's lock.
      await new Promise<void>((resolve) => {
        let seen = '';
        cli.stdout!.on('data', (d) => {
          seen += String(d);
          if (seen.includes('"started"')) resolve();
        });
      });
      const status = await c.ask<{ nextRuns: Record<string, number> }>('scheduler:status', {});
      const [slot] = Object.values(status.nextRuns);
      // Schedules are read in the machine's zone; the slot is the first 03:00 after the clock's start.
      expect(slot).toBe(nextRunTime('0 3 * * *', Date.parse('2026-06-01T02:00:00Z')));
      await c.ask('scheduler:test-clock', { advanceToMs: slot });
      const after = await c.ask<{ running: string[]; queued: string[] }>('scheduler:status', {});
      expect(after).toMatchObject({ running: [], queued: [] });
      expect(serve.output()).toMatch(/reprise: scheduled run of "Music" skipped: "Music" is already running in reprise run \(process \d+\) since /);

      await reprise(dataDir, ['cancel', 'Music']);
      expect((await cli).exitCode).toBe(130);
      const runs = await c.ask<{ trigger: string }[]>('runs:history', { name: 'Music' });
      expect(runs.map((r) => r.trigger)).toEqual(['cli']);
    } finally {
      c.close();
      await serve.stop();
    }
  });
});

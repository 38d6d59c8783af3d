// `reprise run` with one good destination and one WebDAV remote on a port where nothing listens:
// the good copy lands, the unreachable one is retried (the process stays alive while it waits —
// it used to exit 13, "unsettled top-level await"), and the run ends partial (exit 3) in bounded
// time, the reason in plain words, the retry in the log, the wait shown for the right destination.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { makeLibrary, sameTree } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let root: string;
let data: string;
let env: NodeJS.ProcessEnv;
let port: number;

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  root = tempDir('reprise-unreachable-');
  data = join(root, 'data');
  port = await closedPort();
  const config = join(root, 'rclone.conf');
  writeFileSync(config, `[dav]\ntype = webdav\nurl = http://127.0.0.1:${port}/\nvendor = other\n`, { mode: 0o600 });
  env = { RCLONE_CONFIG: config, HOME: join(root, 'home') };
  makeLibrary(join(root, 'Music'), { artists: ['Björk', 'Sigur Rós'] });
  const add = await reprise(data, ['job', 'add', 'Music', '--source', join(root, 'Music'), '--copy', join(root, 'good'), '--copy', 'dav:music'], env);
  expect(add.exitCode, add.stderr).toBe(0);
  // Two attempts, a second apart: the test's bounded time (the default is 3 attempts, 30 s apart).
  const settingsFile = join(data, 'settings.json');
  const settings = JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(settingsFile, JSON.stringify({ ...settings, network: { retryAttempts: 2, retryDelaySeconds: 1 } }));
});
afterAll(cleanupTempDirs);

describe('an unreachable destination next to a good one', () => {
  it('ends partial (exit 3) after a logged retry, with the reason in plain words', async () => {
    const started = Date.now();
    const run = await reprise(data, ['run', 'Music'], env);
    const took = Date.now() - started;
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(3);
    expect(took).toBeLessThan(60_000);
    expect(run.stderr).not.toContain('unsettled top-level await');
    expect(sameTree(join(root, 'Music'), join(root, 'good', 'Music'))).toBe(true);
    const reason = `dav: the server at 127.0.0.1:${port} does not answer`;
    expect(run.stdout).toContain(`✓ ${join(root, 'good')}: Succeeded`);
    expect(run.stdout).toContain(`✗ dav:music: Failed — 0 B, 0 files — ${reason}`);
    expect(run.stdout).toMatch(/! Music: Partly failed in \d+ s\. Log: /);
    // The CLI line while waiting names the destination being tried, not the good one's figures.
    expect(run.stderr).toMatch(/can't reach dav — retrying in 1 s \(attempt 2 of 2\) · to dav:music · 2 of 2 destinations/);

    const history = JSON.parse((await reprise(data, ['history', 'Music', '--json'], env)).stdout) as { outcome: string; logPath: string; destinations: { target: string; outcome: string; firstError: string | null }[] }[];
    expect(history[0]).toMatchObject({ outcome: 'partial' });
    expect(history[0]!.destinations.find((d) => d.target === 'dav:music')).toMatchObject({ outcome: 'failed', firstError: reason });
    const log = readFileSync(history[0]!.logPath, 'utf8');
    expect(log).toMatch(new RegExp(`# attempt 1 of 2 failed \\(rclone exit \\d+: ${reason}\\); retrying in 1 s`));
    expect(log).toContain('# attempt 2 of 2');
    // rclone's own words stay in the log for whoever needs them.
    expect(log).toContain('connection refused');
  });

  it('sends retry progress for the destination being retried, with its own (empty) figures', async () => {
    const run = await reprise(data, ['run', 'Music', '--json'], env);
    expect(run.exitCode).toBe(3);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; target?: string; bytes?: number; retry?: { reason: string; attempt: number; attempts: number; delayMs: number } | null });
    const waits = events.filter((e) => e.event === 'progress' && e.retry);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ target: 'dav:music', bytes: 0, retry: { reason: "can't reach dav", attempt: 2, attempts: 2 } });
    // From the moment the dav destination starts, no sample carries the good destination's bytes.
    const davStart = events.findIndex((e) => e.event === 'progress' && e.target === 'dav:music');
    expect(events.slice(davStart).filter((e) => e.event === 'progress').every((e) => e.target === 'dav:music' && e.bytes === 0)).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'finished', outcome: 'partial' });
  });
});

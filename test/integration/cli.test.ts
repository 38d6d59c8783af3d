// The `reprise` command as a user runs it: real processes, real rclone, a fresh data dir each.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../support/cli.js';
import { makeLibrary, sameTree } from '../support/library.js';
import { cleanupTempDirs, tempDir } from '../support/tmp.js';

afterAll(cleanupTempDirs);

describe('reprise CLI', () => {
  it('adds a job with awkward paths, runs it with --json NDJSON progress, and reports status and history', async () => {
    const root = tempDir();
    // Source and destination paths with unicode, quotes, a leading dash and emoji.
    const source = join(root, "-Sigur Rós 'n \"Björk\" 🎵");
    makeLibrary(source);
    const dest = join(root, '-dest ✓');
    const data = join(root, 'data');
    const add = await reprise(data, ['job', 'add', 'Müsic', `--source=${source}`, `--copy=${dest}`, '--json']);
    expect(add.stderr).toBe('');
    expect(add.exitCode).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ name: 'Müsic', sources: [source], destinations: [{ kind: 'copy', target: dest }] });

    const list = await reprise(data, ['job', 'list', '--json']);
    expect(JSON.parse(list.stdout).map((j: { name: string }) => j.name)).toEqual(['Müsic']);

    const run = await reprise(data, ['run', 'Müsic', '--json']);
    expect(run.exitCode).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; outcome?: string; percent?: number });
    expect(events[0]!.event).toBe('started');
    expect(events.some((e) => e.event === 'progress' && e.percent === 100)).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'finished', outcome: 'success', files: 18 });
    expect(sameTree(source, join(dest, "-Sigur Rós 'n \"Björk\" 🎵"))).toBe(true);

    const status = await reprise(data, ['status']);
    expect(status.stdout).toMatch(/Müsic\s+Succeeded\s+just now\s+Only when run by hand/);
    const history = await reprise(data, ['history', 'Müsic', '--json']);
    expect(JSON.parse(history.stdout)).toMatchObject([{ jobName: 'Müsic', outcome: 'success', trigger: 'cli' }]);
  });

  it('runs with a human progress line and a summary', async () => {
    const root = tempDir();
    makeLibrary(join(root, 'Music'), { artists: ['A'] });
    const data = join(root, 'data');
    await reprise(data, ['job', 'add', 'M', '--source', join(root, 'Music'), '--copy', join(root, 'out')]);
    const run = await reprise(data, ['run', 'M']);
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('Backing up "M"');
    expect(run.stderr).toMatch(/100% · .* of /);
    expect(run.stdout).toMatch(/✓ M: Succeeded in \d+ s\. Log: .*run-1\.log/);
  });

  it.each([
    ['a source that does not exist', (r: string) => ['job', 'add', 'X', '--source', join(r, 'nope'), '--copy', join(r, 'b')], /The source folder ".*nope" does not exist\.\n  Check the path, or plug in and mount the drive/],
    ['an unknown remote', (r: string) => ['job', 'add', 'X', '--source', join(r, 'Music'), '--copy', 'nosuch:bucket'], /There is no rclone remote named "nosuch"\./],
    ['a remote name with a leading dash', (r: string) => ['job', 'add', 'X', '--source', join(r, 'Music'), '--copy=-rf:x'], /"-rf" is not a valid rclone remote name\./],
    ['a destination inside the source', (r: string) => ['job', 'add', 'X', '--source', join(r, 'Music'), '--copy', join(r, 'Music', 'b')], /is inside the source .* it would back itself up/],
    ['an invalid cron', (r: string) => ['job', 'add', 'X', '--source', join(r, 'Music'), '--copy', join(r, 'b'), '--schedule', '61 * * * *'], /"61 \* \* \* \*" is not a valid schedule: the minute field cannot be "61" \(minutes are 0–59\)\.[\s\S]*"0 3 \* \* \*" for every day at 03:00/],
    ['no destination', (r: string) => ['job', 'add', 'X', '--source', join(r, 'Music')], /--snapshot, --mirror or --copy: a job needs at least one destination/],
    ['an unknown job', () => ['run', 'Nope'], /There is no job named "Nope"\./],
  ])('refuses %s with a clear message and exit 2, no stack trace', async (_what, args, message) => {
    const root = tempDir();
    mkdirSync(join(root, 'Music'));
    const r = await reprise(join(root, 'data'), args(root));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('says why a run failed when its source went missing, not just "failed"', async () => {
    const root = tempDir();
    makeLibrary(join(root, 'Music'), { artists: ['A'] });
    const data = join(root, 'data');
    await reprise(data, ['job', 'add', 'K', '--source', join(root, 'Music'), '--copy', join(root, 'out')]);
    rmSync(join(root, 'Music'), { recursive: true });
    const run = await reprise(data, ['run', 'K']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`✗ K: Failed in \\d+ s — The source folder ".*Music" does not exist\\. Log: `));
  });

  it('refuses a duplicate job name', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'Music'));
    const data = join(root, 'data');
    const args = ['job', 'add', 'Music', '--source', join(root, 'Music'), '--copy', join(root, 'b')];
    expect((await reprise(data, args)).exitCode).toBe(0);
    const again = await reprise(data, ['job', 'add', 'music', '--source', join(root, 'Music'), '--copy', join(root, 'c')]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('A job named "music" already exists.');
  });

  it('says how to install rclone when it is missing', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'Music'));
    writeFileSync(join(root, 'Music', 'a.flac'), 'x');
    const data = join(root, 'data');
    await reprise(data, ['job', 'add', 'M', '--source', join(root, 'Music'), '--copy', join(root, 'b')]);
    const r = await reprise(data, ['run', 'M'], { REPRISE_RCLONE: '/nonexistent/rclone' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/rclone was not found \(looked for "\/nonexistent\/rclone"\)\. Install rclone 1\.60 or newer: Debian\/Ubuntu `sudo apt install rclone`/);
    const json = await reprise(data, ['run', 'M', '--json'], { REPRISE_RCLONE: '/nonexistent/rclone' });
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { kind: 'tool-missing' } });
  });

  it('prints usage errors without a stack trace', async () => {
    const r = await reprise(tempDir(), ['frobnicate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});

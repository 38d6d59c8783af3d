// Damaged or foreign files on a destination never stop backups: a summary that is garbage, lacks a
// field or is somebody else's JSON is skipped with a warning naming it, the other points stay
// visible, a damaged record makes only its own restore fail (in plain words), and a `latest` that
// is not a link is reported and put right by the next good run.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

afterAll(cleanupTempDirs);

type Points = Array<{ warnings: string[]; error: string | null; points: Array<{ id: string }> }>;

describe.each(['--snapshot', '--mirror'])('damaged files in a %s destination', (flag) => {
  it('are skipped with a warning naming them; backups and the other restores go on', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    const dest = join(tempDir(), 'dest');
    mkdirSync(join(src, 'A'), { recursive: true });
    const cli = (args: string[]) => reprise(data, args);
    expect((await cli(['job', 'add', 'X', '--source', src, flag, dest])).exitCode).toBe(0);
    const truths = new Map<string, string[]>();
    for (let i = 0; i < 20; i++) writeFileSync(join(src, 'A', `base ${i}.flac`), randomBytes(2_000));
    // One file more each run: the records of the second and third points are deltas on the one before.
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(src, 'A', `${i}.flac`), randomBytes(5_000));
      const truth = describeTree(src);
      expect((await cli(['run', 'X'])).exitCode).toBe(0);
      const pts = JSON.parse((await cli(['snapshots', 'X', '--json'])).stdout) as Points;
      truths.set(pts[0]!.points[0]!.id, truth);
    }
    const [p1, p2, p3] = [...truths.keys()];
    const records = join(dest, 'records');
    writeFileSync(join(records, 'notes.json'), '{"hello":"not ours"}\n');
    writeFileSync(join(records, '2020-01-01T000000Z.json'), 'garbage, cut off {"format":"reprise-po');
    const summary = JSON.parse(readFileSync(join(records, `${p2}.json`), 'utf8')) as Record<string, unknown>;
    delete summary.totals;
    writeFileSync(join(records, `${p2}.json`), `${JSON.stringify(summary)}\n`);
    const listed = await cli(['snapshots', 'X']);
    expect(listed.exitCode).toBe(0);
    expect(listed.stdout).toContain('warning: notes.json cannot be read');
    expect(listed.stdout).toContain('warning: 2020-01-01T000000Z.json cannot be read (not JSON)');
    expect(listed.stdout).toContain(`warning: ${p2}.json cannot be read (totals:`);
    const points = (JSON.parse((await cli(['snapshots', 'X', '--json'])).stdout) as Points)[0]!;
    expect(points.points.map((p) => p.id)).toEqual([p3, p1]);

    // P3 builds on P2's record, which cannot be read now: its restore says so, P1's is whole.
    const broken = await cli(['restore', 'X', '--path', 'music', '--at', p3!, '--to', tempDir()]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/record .* is damaged|whose record is missing/);
    expect(broken.stderr).not.toMatch(/at .*\.js:\d+/);
    const to = tempDir();
    expect((await cli(['restore', 'X', '--path', 'music', '--at', p1!, '--to', to])).exitCode).toBe(0);
    expect(treeDiff(truths.get(p1!)!, describeTree(join(to, 'music')))).toEqual([]);

    // A corrupt entries file: only that point's restore fails.
    // By its whole name: two runs within one second make ids like P and P-2, and P-2's files start with P.
    const entries = readdirSync(records).find((n) => n === `${p1}.entries.gz` || n === `${p1}.final.gz`)!;
    writeFileSync(join(records, entries), Buffer.concat([readFileSync(join(records, entries)).subarray(0, 30), Buffer.from('not gzip any more')]));
    const corrupt = await cli(['restore', 'X', '--path', 'music', '--at', p1!, '--to', tempDir()]);
    expect(corrupt.exitCode).toBe(1);
    expect(corrupt.stderr).toMatch(/damaged/);

    if (flag === '--snapshot') {
      // Somebody made a folder where the `latest` link was.
      rmSync(join(dest, 'latest'));
      mkdirSync(join(dest, 'latest'));
      expect((await cli(['snapshots', 'X'])).stdout).toMatch(/latest is a folder, not a link/);
    }
    // The next run goes on regardless, and its point restores exactly.
    writeFileSync(join(src, 'A', 'new.flac'), randomBytes(4_000));
    const truth = describeTree(src);
    const run = await cli(['run', 'X']);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const newest = (JSON.parse((await cli(['snapshots', 'X', '--json'])).stdout) as Points)[0]!.points[0]!.id;
    const to2 = tempDir();
    expect((await cli(['restore', 'X', '--path', 'music', '--at', newest, '--to', to2])).exitCode).toBe(0);
    expect(treeDiff(truth, describeTree(join(to2, 'music')))).toEqual([]);
    if (flag === '--snapshot') {
      expect(lstatSync(join(dest, 'latest')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dest, 'latest'))).toBe(newest);
      expect(readdirSync(dest).some((n) => n.startsWith('latest.not-a-link-'))).toBe(true);
    }
  });
});

// Every job option on every kind of destination, proven on real rclone and rsync: excludes leave
// files out everywhere; the bandwidth limit (a rate or a timetable), transfers, checkers and
// checksum reach rclone on copies and mirrors (read from the argv a recording wrapper saw); a
// bandwidth limit really slows a mirror and a copy (rclone's own stats say how long it took);
// checksum compare really catches a same-size, same-time edit on a copy.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../shared/model.js';
import { reprise } from '../../support/cli.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let root: string;
let config: string;
let server: WebDavServer;

beforeAll(async () => {
  root = tempDir();
  mkdirSync(join(root, 'dav'));
  server = await startWebDav(join(root, 'dav'));
  config = await writeWebDavConfig(root, 'dav', server);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

/** An rclone that writes each argv it is given (one argument a line, a blank line after) before running the real one. */
function recordingRclone(dir: string): { bin: string; calls: () => string[][] } {
  const log = join(dir, 'argv.log');
  const bin = join(dir, 'rclone-recorder');
  writeFileSync(bin, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${log}'; done\nprintf '\\n' >> '${log}'\nexec rclone "$@"\n`);
  chmodSync(bin, 0o755);
  return {
    bin,
    calls: () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n\n')
            .filter(Boolean)
            .map((c) => c.split('\n').filter(Boolean))
        : [],
  };
}

function library(dir: string): void {
  mkdirSync(join(dir, 'Artist', 'Album'), { recursive: true });
  writeFileSync(join(dir, 'Artist', 'Album', '01.flac'), randomBytes(30_000));
  writeFileSync(join(dir, 'Artist', 'Album', '02.flac'), randomBytes(30_000));
  writeFileSync(join(dir, 'Artist', 'Album', 'scratch.tmp'), 'left out');
  writeFileSync(join(dir, 'Artist', '.DS_Store'), 'left out');
}

// Where each kind puts the source folder "music".
const kinds = [
  { kind: 'copy', flag: '--copy', target: () => join(tempDir(), 'copy'), landed: (t: string) => join(t, 'music') },
  { kind: 'local mirror', flag: '--mirror', target: () => join(tempDir(), 'mirror'), landed: (t: string) => join(t, 'current', 'music') },
  { kind: 'WebDAV mirror', flag: '--mirror', target: () => `dav:opts-${randomBytes(3).toString('hex')}`, landed: (t: string) => join(root, 'dav', t.slice('dav:'.length), 'current', 'music') },
  { kind: 'snapshot', flag: '--snapshot', target: () => join(tempDir(), 'snaps'), landed: (t: string) => join(t, 'latest', 'music') },
] as const;

describe.each(kinds)('job options on a $kind', ({ kind, flag, target, landed }) => {
  it('leaves excluded files out, and hands rclone the bandwidth timetable, transfers, checkers and checksum', async () => {
    const work = tempDir();
    const src = join(work, 'music');
    library(src);
    const dest = target();
    const rclone = recordingRclone(work);
    const data = join(work, 'data');
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args], { REPRISE_RCLONE: rclone.bin });
    const add = await cli(['job', 'add', 'Opts', '--source', src, flag, dest, '--exclude', '*.tmp', '--exclude', '.DS_Store', '--bwlimit', '08:00,512k 23:00,off', '--transfers', '3', '--checkers', '5', '--checksum']);
    expect(add.exitCode).toBe(0);
    if (kind === 'snapshot') expect(add.stdout).toContain('apply to copies and mirrors only');
    const run = await cli(['run', 'Opts', '--json']);
    expect(run.exitCode).toBe(0);

    const out = landed(dest);
    expect(statSync(join(out, 'Artist', 'Album', '01.flac')).size).toBe(30_000);
    expect(existsSync(join(out, 'Artist', 'Album', 'scratch.tmp'))).toBe(false);
    expect(existsSync(join(out, 'Artist', '.DS_Store'))).toBe(false);

    // The transfers of the source itself (copy, sync), not the records' uploads or listings around them.
    const transfers = rclone.calls().filter((argv) => (argv.includes('copy') || argv.includes('sync')) && argv.some((a) => a.startsWith(src)));
    if (kind === 'snapshot') {
      // rsync copies a snapshot: rclone moves no file for it.
      expect(transfers).toEqual([]);
      return;
    }
    expect(transfers.length).toBeGreaterThan(0);
    for (const argv of transfers) {
      expect(argv).toEqual(expect.arrayContaining(['--bwlimit=08:00,512k 23:00,off', '--transfers=3', '--checkers=5', '--checksum', '--exclude=*.tmp', '--exclude=.DS_Store']));
    }
  });
});

describe.each(kinds)('an exclude at the top of the source on a $kind', ({ flag, target, landed }) => {
  // rsync reads the root's "." in --files-from as "its own entries too": the snapshot names what
  // the walk left out at the top as excludes, so a top-level exclude stays out on every kind.
  it('leaves it out of the destination', async () => {
    const work = tempDir();
    const src = join(work, 'music');
    library(src);
    writeFileSync(join(src, 'private.tmp'), 'left out');
    const dest = target();
    const data = join(work, 'data');
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
    expect((await cli(['job', 'add', 'Top', '--source', src, flag, dest, '--exclude', '*.tmp'])).exitCode).toBe(0);
    expect((await cli(['run', 'Top'])).exitCode).toBe(0);
    expect(existsSync(join(landed(dest), 'Artist', 'Album', '01.flac'))).toBe(true);
    expect(existsSync(join(landed(dest), 'private.tmp'))).toBe(false);
  });
});

/** rclone's own account of a transfer: the last stats line of the run's log with bytes moved. */
function rcloneStats(logPath: string): { bytes: number; elapsedTime: number } {
  const stats = readFileSync(logPath, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"stats"'))
    .map((l) => (JSON.parse(l) as { stats: { bytes: number; elapsedTime: number } }).stats)
    .filter((s) => s.bytes > 0);
  return stats.at(-1)!;
}

describe.each([
  ['mirror', '--mirror'],
  ['copy', '--copy'],
] as const)('a bandwidth limit on a %s', (_kind, flag) => {
  it('keeps rclone at the limit: 5 MB at 1 MiB/s take rclone at least 4 s', async () => {
    const work = tempDir();
    const src = join(work, 'music');
    mkdirSync(src);
    writeFileSync(join(src, 'big.flac'), randomBytes(5_000_000));
    const data = join(work, 'data');
    expect((await reprise(data, ['job', 'add', 'Slow', '--source', src, flag, join(work, 'dest'), '--bwlimit', '1M'])).exitCode).toBe(0);
    const run = await reprise(data, ['run', 'Slow', '--json']);
    expect(run.exitCode).toBe(0);
    const finished = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as RunSummary & { event: string };
    const s = rcloneStats(finished.logPath!);
    expect(s.bytes).toBe(5_000_000);
    // Measured by rclone, not by the test's clock: without the limit this file takes well under a second.
    expect(s.elapsedTime).toBeGreaterThanOrEqual(4);
  }, 90_000);
});

describe('checksum compare on a copy', () => {
  it('sends a file whose content changed while its size and time stayed the same', async () => {
    const work = tempDir();
    const src = join(work, 'music');
    mkdirSync(src);
    const file = join(src, 'track.flac');
    writeFileSync(file, Buffer.alloc(10_000, 1));
    const time = new Date('2026-01-01T00:00:00Z');
    utimesSync(file, time, time);
    const dest = join(work, 'dest');
    const data = join(work, 'data');
    const backUp = async () => expect((await reprise(data, ['run', 'Sums'])).exitCode).toBe(0);
    expect((await reprise(data, ['job', 'add', 'Sums', '--source', src, '--copy', dest])).exitCode).toBe(0);
    await backUp();
    // Same size, same time, other bytes: by size and time rclone sees nothing to do.
    writeFileSync(file, Buffer.alloc(10_000, 2));
    utimesSync(file, time, time);
    await backUp();
    expect(readFileSync(join(dest, 'music', 'track.flac'))[0]).toBe(1);
    expect((await reprise(data, ['job', 'edit', 'Sums', '--checksum'])).exitCode).toBe(0);
    await backUp();
    expect(readFileSync(join(dest, 'music', 'track.flac'))[0]).toBe(2);
  });
});

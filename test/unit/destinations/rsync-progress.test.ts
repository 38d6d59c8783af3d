import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineSplitter } from '../../../electron/core/process/line-splitter.js';
import { parseRsyncProgressLine, parseRsyncStats, progressSampler, rsyncEta, rsyncTotalBytes } from '../../../electron/core/destinations/snapshot/rsync-progress.js';
import { RSYNC_SUM_ARGS, parseSumLine } from '../../../electron/core/destinations/snapshot/rsync-sums.js';

const work = mkdtempSync(join(tmpdir(), 'reprise-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Captures real rsync output once: a few files, bandwidth-limited so rsync redraws several times.
function captureRealOutput(): string {
  const src = join(work, 'src');
  mkdirSync(join(src, 'Artist', 'Album'), { recursive: true });
  writeFileSync(join(src, 'Artist', 'Album', '01 Track.flac'), Buffer.alloc(3_000_000, 7));
  for (let i = 2; i <= 4; i++) writeFileSync(join(src, 'Artist', 'Album', `0${i}.txt`), `track ${i}`);
  return execFileSync(
    'rsync',
    ['-a', '--info=progress2', '--no-inc-recursive', '--stats', '--bwlimit=2m', `${src}`, `${join(work, 'dst')}/`],
    { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
  );
}

describe('rsync progress2 parser', () => {
  const output = captureRealOutput();

  it('splits carriage-return redraws even when chunks cut a line in half', () => {
    // rsync's stdout goes through the core's one line splitter (runChild).
    const lines: string[] = [];
    const splitter = lineSplitter((l) => lines.push(l));
    // Feed 7 characters at a time so every redraw is cut somewhere.
    for (let i = 0; i < output.length; i += 7) splitter.push(output.slice(i, i + 7));
    splitter.flush();
    const whole = output.split(/\r|\n/).filter((l) => l.length > 0);
    expect(lines).toEqual(whole);
  });

  it('parses every progress redraw of a real run and ends at 100%', () => {
    const lines = output.split(/\r|\n/).filter((l) => l.length > 0);
    const samples = lines.map(parseRsyncProgressLine).filter((p) => p !== undefined);
    expect(samples.length).toBeGreaterThan(2);
    for (let i = 1; i < samples.length; i++) expect(samples[i]!.bytes).toBeGreaterThanOrEqual(samples[i - 1]!.bytes);
    const last = samples.at(-1)!;
    expect(last.percent).toBe(100);
    expect(last.bytes).toBe(3_000_000 + 3 * 'track 2'.length);
    expect(last.transfers).toBe(4);
    expect(last.toCheck).toBe(0);
    expect(last.totalsFinal).toBe(true);
    // The bandwidth limit shows up as a speed in the right order of magnitude (1024-based units).
    const limited = samples.filter((s) => s.speed > 0);
    expect(limited.length).toBeGreaterThan(0);
    expect(Math.max(...limited.map((s) => s.speed))).toBeLessThan(50 * 1024 * 1024);
  });

  it('reads the --stats totals', () => {
    const stats = parseRsyncStats(output.split('\n'));
    expect(stats.regularFiles).toBe(4);
    expect(stats.transferredFiles).toBe(4);
    expect(stats.totalFileSize).toBe(3_000_021);
  });

  it('parses lines of known shapes exactly', () => {
    expect(parseRsyncProgressLine('     32,768   0%    0.00kB/s    0:00:00  ')).toEqual({
      bytes: 32768,
      percent: 0,
      speed: 0,
      etaSeconds: 0,
    });
    expect(parseRsyncProgressLine('  1,234,567,890  42%   12.50MB/s    1:02:03 (xfr#17, ir-chk=1000/5021)')).toEqual({
      bytes: 1234567890,
      percent: 42,
      speed: 12.5 * 1024 * 1024,
      etaSeconds: 3723,
      transfers: 17,
      toCheck: 1000,
      totalFiles: 5021,
      totalsFinal: false,
    });
    expect(parseRsyncProgressLine('Number of files: 6 (reg: 4, dir: 2)')).toBeUndefined();
    expect(parseRsyncProgressLine('rsync: [sender] link_stat "/x" failed: No such file or directory (2)')).toBeUndefined();
  });
});

describe('the progress sampler (a redraw per copied file, shown at most 10 times a second)', () => {
  // A snapshot's own rsync: a sum line and a redraw per file, then the stats.
  const src = join(work, 'sampled');
  for (let a = 0; a < 3; a++) {
    mkdirSync(join(src, `Artist ${a}`), { recursive: true });
    for (let t = 0; t < 20; t++) writeFileSync(join(src, `Artist ${a}`, `${t} Track.flac`), `artist ${a} track ${t}`);
  }
  const lines = execFileSync('rsync', ['-a', '--info=progress2', '--stats', ...RSYNC_SUM_ARGS, `${src}/`, `${join(work, 'sampled-dst')}/`], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } })
    .split(/\r|\n/)
    .filter((l) => l.length > 0);
  const redraws = lines.filter((l) => parseRsyncProgressLine(l) !== undefined);

  it('takes every redraw and nothing else: the sums and the stats stay with the caller', () => {
    expect(redraws.length).toBeGreaterThanOrEqual(60);
    const shown: number[] = [];
    const sampler = progressSampler((p) => shown.push(p.bytes), 0);
    const kept = lines.filter((l) => !sampler.line(l));
    expect(kept).toEqual(lines.filter((l) => parseRsyncProgressLine(l) === undefined));
    expect(kept.filter((l) => { const s = parseSumLine(l); return s !== null && s !== 'itemized'; })).toHaveLength(60);
    expect(parseRsyncStats(kept).transferredFiles).toBe(60);
    expect(shown).toHaveLength(redraws.length);
  });

  it('shows the first redraw, then one per interval, and the newest at flush', () => {
    let clock = 0;
    const shown: number[] = [];
    const sampler = progressSampler((p) => shown.push(p.transfers ?? -1), 100, () => clock);
    for (const l of lines) {
      sampler.line(l);
      clock += 10;
    }
    // ~10 lines a 100 ms: about one redraw in five is shown (two lines a file).
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.length).toBeLessThan(redraws.length / 3);
    sampler.flush();
    expect(shown.at(-1)).toBe(60);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    // Nothing is pending after a flush: a second one shows nothing more.
    const n = shown.length;
    sampler.flush();
    expect(shown).toHaveLength(n);
  });
});

describe('the time left of a snapshot transfer', () => {
  it("is unknown at 0 % (rsync's 0:00:00) and at 100 % (rsync then prints the time taken)", () => {
    expect(rsyncEta(parseRsyncProgressLine('         32,768   0%    0.00kB/s    0:00:00')!)).toBeNull();
    expect(rsyncEta(parseRsyncProgressLine('      1,000,000  25%    1.00MB/s    0:00:03')!)).toBe(3);
    expect(rsyncEta(parseRsyncProgressLine('    102,400,000 100%   14.60MB/s    0:00:07 (xfr#100000, to-chk=0/108669)')!)).toBeNull();
  });
});

describe('the size of a snapshot transfer', () => {
  it('is unknown at 0 %, not the bytes so far ("32 KB of 32 KB" beside "0 %")', () => {
    const first = parseRsyncProgressLine('         32,768   0%    0.00kB/s    0:00:00')!;
    expect(rsyncTotalBytes(first)).toBe(0);
    expect(rsyncTotalBytes(parseRsyncProgressLine('      1,000,000  25%    1.00MB/s    0:00:03')!)).toBe(4_000_000);
  });
});

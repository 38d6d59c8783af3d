import { describe, expect, it } from 'vitest';
import { progressPrinter, renderProgressLine } from '../../../electron/cli/progress-bar.js';

describe('terminal progress line', () => {
  it('shows percent, bytes, speed, ETA and the current file, cut to the width', () => {
    const p = { runId: 1, jobId: 'j', destId: 'd', target: '/b', step: 1, steps: 1, destIndex: 1, destCount: 1, bytes: 1_200_000_000, totalBytes: 3_400_000_000, files: 3, totalFiles: 9, speed: 12_000_000, eta: 180, percent: 43, current: [{ name: 'Björk/Homogenic/01 Hunter.flac', percent: 50, size: 1 }], errors: 0, elapsed: 9 };
    const line = renderProgressLine(p, 200);
    expect(line).toContain(' 43%');
    expect(line).toContain('1.2 GB of 3.4 GB');
    expect(line).toContain('12.0 MB/s');
    expect(line).toContain('ETA 3 min');
    expect(line).toContain('Björk/Homogenic/01 Hunter.flac');
    expect([...renderProgressLine(p, 40)].length).toBe(40);
    expect(line).not.toContain('destination');
  });

  it('says which destination the byte counts belong to when a job has several', () => {
    const p = { runId: 1, jobId: 'j', destId: 'd2', target: 'NAS:backup', step: 2, steps: 2, destIndex: 2, destCount: 3, bytes: 5_000_000, totalBytes: 10_000_000, files: 1, totalFiles: 2, speed: 1_000_000, eta: 5, percent: 50, current: [], errors: 0, elapsed: 9 };
    expect(renderProgressLine(p, 200)).toBe('████████████░░░░░░░░░░░░  50% of the run · to NAS:backup (2 of 3 destinations): 5.0 MB of 10.0 MB · source 2 of 2 · 1.0 MB/s · ETA 5 s');
  });

  it('shows no bytes before the total is known (a mirror comparing with its last point)', () => {
    const p = { runId: 1, jobId: 'j', destId: 'd', target: '/b', step: 1, steps: 1, destIndex: 1, destCount: 1, bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0, eta: null, percent: 0, current: [{ name: 'comparing with the last restore point…', percent: 0, size: 0 }], errors: 0, elapsed: 0 };
    expect(renderProgressLine(p, 200)).toBe('░░░░░░░░░░░░░░░░░░░░░░░░   0% · comparing with the last restore point…');
  });
});

describe('terminal progress line while a destination waits to retry', () => {
  it('names the destination, the wait and the attempt instead of stale figures', () => {
    const p = { runId: 1, jobId: 'j', destId: 'd2', target: 'dav:music', step: 1, steps: 1, destIndex: 2, destCount: 2, bytes: 0, totalBytes: 0, files: 0, totalFiles: 0, speed: 0, eta: null, percent: 50, current: [], errors: 1, elapsed: 0, retry: { reason: "can't reach dav", attempt: 2, attempts: 4, delayMs: 31_000 } };
    expect(renderProgressLine(p, 200)).toBe("████████████░░░░░░░░░░░░  50% · can't reach dav — retrying in 31 s (attempt 2 of 4) · to dav:music · 2 of 2 destinations");
    expect(renderProgressLine(p, 200, 4_200)).toContain('retrying in 4 s (attempt 2 of 4)');
    expect(renderProgressLine(p, 200, 1_200)).toContain('retrying in 1 s (attempt 2 of 4)');
    expect(renderProgressLine(p, 200, 300)).toContain("can't reach dav — retrying now (attempt 2 of 4)");
  });
});

describe('terminal progress percent', () => {
  it('rounds down like the header and the tray, so 99.6 % is not shown as done', () => {
    const p = { runId: 1, jobId: 'j', destId: 'd', target: '/b', step: 1, steps: 1, destIndex: 1, destCount: 1, bytes: 996, totalBytes: 1000, files: 0, totalFiles: 1, speed: 1, eta: 1, percent: 99.6, current: [], errors: 0, elapsed: 1 };
    expect(renderProgressLine(p, 200)).toContain(' 99% · ');
  });
});

describe('progress off a terminal (a log, cron)', () => {
  it('prints a line on start and once on reaching 100 %, not again for each later sample', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, columns: 80, write: (t: string) => void lines.push(t) } as unknown as NodeJS.WriteStream;
    const printer = progressPrinter(stream);
    const at = (percent: number, speed: number) => ({ runId: 1, jobId: 'j', destId: 'd', target: '/b', step: 1, steps: 1, destIndex: 1, destCount: 1, bytes: percent, totalBytes: 100, files: 0, totalFiles: 1, speed, eta: 0, percent, current: [], errors: 0, elapsed: 1 });
    printer.update(at(0, 0));
    printer.update(at(40, 0));
    // The copy ends; the run goes on finishing with samples at 100 % (speeds vary).
    for (let i = 0; i < 6; i++) printer.update(at(100, 1_000_000 * (i + 1)));
    // Another step starts from below 100 % and ends again: its end is said once too.
    printer.update(at(30, 0));
    for (let i = 0; i < 3; i++) printer.update(at(100, 0));
    printer.done();
    expect(lines.map((l) => /(\d+)%/.exec(l)![1])).toEqual(['0', '100', '100']);
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
  });
});

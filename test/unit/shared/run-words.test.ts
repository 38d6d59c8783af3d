// Run problems and logs in plain words: no JSON lines, no escaped \n stats blobs.
import { describe, expect, it } from 'vitest';
import { plainError, readableLog, runFigures, runProblem } from '../../../shared/run-words.js';

describe('runProblem', () => {
  it('says cancelled and interrupted calmly, whatever the tool logged', () => {
    expect(runProblem({ outcome: 'cancelled', firstError: '{"level":"error","msg":"Failed to copy: context canceled","object":"A/1.flac"}' })).toBe('Cancelled before it finished. What was copied stays; the next backup carries on from there.');
    expect(runProblem({ outcome: 'interrupted', firstError: null })).toMatch(/^Interrupted: Reprise stopped while this backup ran/);
    expect(runProblem({ outcome: 'success', firstError: null })).toBeNull();
  });
  it('turns a tool\'s JSON line into "file: message"', () => {
    expect(runProblem({ outcome: 'failed', firstError: '{"level":"error","msg":"Failed to copy: permission denied","object":"Björk/01 Jóga.flac","source":"x.go:1","time":"2026-11-29T18:47:52Z"}' })).toBe('Could not copy Björk/01 Jóga.flac: permission denied');
    expect(plainError('2026/11/29 18:47:52 ERROR : A/1.flac: Failed to copy: context canceled')).toBe('A/1.flac: stopped before it was copied');
    expect(plainError('x'.repeat(500))).toHaveLength(400);
  });
});

describe('readableLog', () => {
  it('reads notes, file lines, errors and stats as one line each', () => {
    const log = [
      '# Reprise run 2 of job "D" started 2026-11-29T18:47:52.488Z',
      '{"level":"info","msg":"Starting bandwidth limiter at 1Mi Byte/s","time":"2026-11-29T18:47:52.6Z"}',
      '{"level":"warning","msg":"\\nTransferred: 1 MiB\\n","stats":{"bytes":1000000,"totalBytes":9000000,"transfers":0,"totalTransfers":3,"speed":0,"errors":0,"elapsedTime":1.07},"time":"2026-11-29T18:47:53.6Z"}',
      '{"level":"info","msg":"Copied (new)","object":"Björk/01 Jóga.flac","size":100,"time":"2026-11-29T18:47:54Z"}',
      '{"level":"error","msg":"Failed to copy: permission denied","object":"A/2.flac","time":"2026-11-29T18:47:55Z"}',
      '{"level":"warning","msg":"\\nTransferred: 9 MiB\\n","stats":{"bytes":9000000,"totalBytes":9000000,"transfers":3,"totalTransfers":3,"speed":1000000,"errors":1,"elapsedTime":9},"time":"2026-11-29T18:48:01Z"}',
      '# destination /tmp/b: failed — A/2.flac: Failed to copy: permission denied',
    ].join('\n');
    const lines = readableLog(log);
    expect(lines.map((l) => `${l.level} ${l.text}`)).toEqual([
      'note Run 2 of "D" started',
      'info Starting bandwidth limiter at 1Mi Byte/s',
      'progress Progress: 1.0 MB of 9.0 MB · 0 of 3 files · 0 B/s · after 1 s',
      'info Copied (new): Björk/01 Jóga.flac',
      'error A/2.flac: Failed to copy: permission denied',
      'progress Progress: 9.0 MB of 9.0 MB · 3 of 3 files · 1.0 MB/s · 1 error · after 9 s',
      'error /tmp/b: Failed — Could not copy A/2.flac: permission denied',
    ]);
    // The start is said at its time (shown in the reader's clock), not as an ISO stamp in the text.
    expect(lines[0]!.time).toBe('2026-11-29T18:47:52.488Z');
    expect(lines.some((l) => l.text.includes('{') || l.text.includes('\\n'))).toBe(false);
  });
});

describe('readableLog of a destination that ended', () => {
  it('says the outcome in the window\'s words, a cancel with its own calm reason', () => {
    const lines = readableLog(['# destination /tmp/snaps: success', '# destination dav:m: cancelled — The mirror run was stopped. Every earlier restore point is intact.', '# destination b:x: partial — 2 files could not be read'].join('\n'));
    expect(lines.map((l) => `${l.level} ${l.text}`)).toEqual(['note /tmp/snaps: Succeeded', 'note dav:m: Cancelled — The mirror run was stopped. Every earlier restore point is intact.', 'error b:x: Partly failed — 2 files could not be read']);
  });
});

describe('runFigures', () => {
  const d = (files: number) => ({ files });
  it('counts the library once and says how many destinations received it', () => {
    expect(runFigures({ outcome: 'success', bytes: 10_500_000, files: 6, destinations: [d(6), d(6)] })).toBe('10.5 MB · 6 files copied to 2 destinations');
    expect(runFigures({ outcome: 'success', bytes: 10_500_000, files: 6, destinations: [d(6)] })).toBe('10.5 MB · 6 files copied');
  });
  it('does not claim every destination when one was cancelled or already up to date', () => {
    expect(runFigures({ outcome: 'cancelled', bytes: 9_000_000, files: 3, destinations: [d(3), d(0)] })).toBe('9.0 MB · 3 files copied to 1 of 2 destinations');
  });
  it('says a run that found nothing new as such, not "0 B · 0 files copied"', () => {
    expect(runFigures({ outcome: 'success', bytes: 0, files: 0, destinations: [d(0), d(0)] })).toBe('nothing had changed · 2 destinations up to date');
    expect(runFigures({ outcome: 'failed', bytes: 0, files: 0, destinations: [d(0)] })).toBe('0 B · 0 files copied');
  });
});

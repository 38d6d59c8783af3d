import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatDuration, formatIn, plural } from '../../../shared/format.js';

describe('human units', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1200, '1.2 KB'],
    [1_234_567_890, '1.2 GB'],
    [150_000_000, '150 MB'],
    [-1, '—'],
  ])('bytes %s → %s', (n, s) => expect(formatBytes(n)).toBe(s));

  it('durations, ago and plural', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(180)).toBe('3 min');
    expect(formatDuration(2 * 3600 + 5 * 60)).toBe('2 h 5 min');
    expect(formatDuration(5 * 86400)).toBe('5 days');
    expect(formatAgo(0, 10_000)).toBe('just now');
    expect(formatAgo(0, 2 * 3600_000)).toBe('2 h ago');
    expect(formatIn(3600_000, 0)).toBe('in 1 h');
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(1200, 'file')).toBe('1,200 files');
  });
});

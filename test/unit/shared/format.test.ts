import { describe, expect, it } from 'vitest';
import { formatAgo, formatBytes, formatDuration, formatIn, plural, formatFullDate, formatRelative, formatWhen } from '../../../shared/format.js';
import { describeCron } from '../../../shared/schedule.js';

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

describe('dates in one short form', () => {
  const now = new Date(2026, 10, 22, 15, 39).getTime(); // Sunday 22 Nov 2026, 15:39 local time
  const at = (d: number, h: number, m = 0) => new Date(2026, 10, d, h, m).getTime();
  it('says today, yesterday, tomorrow and the weekday near now, in the locale', () => {
    expect(formatWhen(at(22, 15, 39), now, 'en-GB')).toBe('Today 15:39');
    expect(formatWhen(at(21, 3), now, 'en-GB')).toBe('Yesterday 03:00');
    expect(formatWhen(at(23, 3), now, 'en-GB')).toBe('Tomorrow 03:00');
    expect(formatWhen(at(26, 3), now, 'en-GB')).toBe('Thu 03:00');
    expect(formatWhen(at(23, 3), now, 'en-US')).toBe('Tomorrow 3:00 AM');
    expect(formatWhen(at(2, 3), now, 'en-GB')).toBe('2 Nov 03:00');
    expect(formatWhen(new Date(2025, 0, 5).getTime(), now, 'en-GB')).toBe('5 Jan 2025');
  });
  it('is relative within two days, and has the full date for a tooltip', () => {
    expect(formatRelative(now - 2 * 3600_000, now)).toBe('2 h ago');
    expect(formatRelative(now + 6 * 3600_000, now)).toBe('in 6 h');
    expect(formatRelative(at(26, 3), now, 'en-GB')).toBe('Thu 03:00');
    expect(formatFullDate(at(23, 3), 'en-GB')).toBe('Monday, 23 November 2026 at 03:00');
  });
  it('writes schedule times the way the locale does', () => {
    expect(describeCron('0 3 * * *')).toBe('Every day at 03:00');
    expect(describeCron('0 3 * * *', 'en-US')).toBe('Every day at 3:00 AM');
    expect(describeCron('30 2 * * 1-5', 'en-GB')).toBe('At 02:30, Monday through Friday');
  });
});

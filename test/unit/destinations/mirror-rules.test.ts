// The pure rules of a versioned mirror: which old versions retention may delete, where a point's
// files are looked for, and how remote times are read.
import { describe, expect, it } from 'vitest';
import { commonFolder } from '../../../electron/core/destinations/mirror/mirror-kind.js';
import { unneededObjects } from '../../../electron/core/destinations/mirror/mirror-prune.js';
import { rfc3339ToNs } from '../../../electron/core/destinations/mirror/mirror-store.js';
import { escapeGlob, jobTransferFlags } from '../../../electron/core/destinations/rclone-flags.js';

describe('which old versions retention deletes', () => {
  // Runs A < B < C < D; versions/B holds P as it was at A, versions/D holds P as it was at C.
  const layers = [
    { id: 'B', paths: ['m/P', 'm/Q'] },
    { id: 'D', paths: ['m/P'] },
  ];

  it('keeps an object while a kept point lies between the previous folder holding the file and its own', () => {
    expect(unneededObjects(layers, ['A', 'C'])).toEqual(new Map([['B', []], ['D', []]]));
    // A dropped: nothing before B needs versions/B.
    expect(unneededObjects(layers, ['C', 'D'])).toEqual(
      new Map([
        ['B', ['m/P', 'm/Q']],
        ['D', []],
      ]),
    );
    // C dropped: versions/D's copy of P was C's state (nobody else's); versions/B stays for A.
    expect(unneededObjects(layers, ['A', 'D'])).toEqual(
      new Map([
        ['B', []],
        ['D', ['m/P']],
      ]),
    );
    // Only the newest point kept: every old version goes.
    expect(unneededObjects(layers, ['E'])).toEqual(
      new Map([
        ['B', ['m/P', 'm/Q']],
        ['D', ['m/P']],
      ]),
    );
  });

  it('an interrupted run\'s folder counts like any other: what it saved stays while a point needs it', () => {
    // C2 ran after C, moved Q away and was killed: C's Q is in versions/C2 now.
    const withInterrupted = [...layers, { id: 'C2', paths: ['m/Q'] }];
    expect(unneededObjects(withInterrupted, ['C'])).toEqual(
      new Map([
        ['B', ['m/P', 'm/Q']],
        ['C2', []],
        ['D', []],
      ]),
    );
    expect(unneededObjects(withInterrupted, ['D'])).toEqual(
      new Map([
        ['B', ['m/P', 'm/Q']],
        ['C2', ['m/Q']],
        ['D', ['m/P']],
      ]),
    );
  });
});

describe('where a point\'s files are looked for', () => {
  it('lists only the deepest folder all files share', () => {
    expect(commonFolder(['music/A/x', 'music/A/y'])).toBe('music/A');
    expect(commonFolder(['music/A/x', 'music/B/y'])).toBe('music');
    expect(commonFolder(['music/A/x', 'musicals/B/y'])).toBeNull();
    expect(commonFolder(['music/x'])).toBe('music');
    expect(commonFolder([])).toBeNull();
  });
});

describe('remote times and flags', () => {
  it('reads RFC 3339 times to the nanosecond', () => {
    expect(rfc3339ToNs('2026-11-29T17:35:14Z')).toBe('1795973714000000000');
    expect(rfc3339ToNs('2026-11-29T17:35:14.123456789+00:00')).toBe('1795973714123456789');
    expect(rfc3339ToNs('2026-11-29T18:35:14.5+01:00')).toBe('1795973714500000000');
    expect(rfc3339ToNs('yesterday')).toBeNull();
  });

  it('escapes a literal path for rclone filters and passes the job\'s limits', () => {
    expect(escapeGlob('a*b?[c]{d}\\e')).toBe('a\\*b\\?\\[c\\]\\{d\\}\\\\e');
    expect(jobTransferFlags({ bwlimit: '08:00,512k 23:00,off', transfers: 2, checkers: null })).toEqual(['--bwlimit=08:00,512k 23:00,off', '--transfers=2']);
  });
});

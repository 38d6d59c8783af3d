// Which locations are part of a destination Reprise manages.
import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/model.js';
import { managedDestination } from '../../../electron/core/files/managed-paths.js';

const job = { name: 'Music', destinations: [{ id: 'a', kind: 'mirror', target: 'b2:bucket/music' }, { id: 'b', kind: 'snapshot', target: '/mnt/nas/snaps' }] } as unknown as Job;

describe('managed destinations', () => {
  it('cover the destination and what is inside it; with `containing`, folders holding it too', () => {
    const m = (t: string, containing = false) => managedDestination(t, [job], { containing })?.target ?? null;
    expect(m('b2:bucket/music')).toBe('b2:bucket/music');
    expect(m('b2:bucket/music/current/Björk/01.flac')).toBe('b2:bucket/music');
    expect(m('/mnt/nas/snaps/2026-11-20T030000Z')).toBe('/mnt/nas/snaps');
    expect(m('b2:bucket/musical')).toBeNull();
    expect(m('b2:bucket')).toBeNull();
    expect(m('b2:bucket', true)).toBe('b2:bucket/music');
    expect(m('other:bucket/music')).toBeNull();
    expect(m('/mnt/nas', true)).toBe('/mnt/nas/snaps');
    expect(m('/mnt/nas/other', true)).toBeNull();
  });
});

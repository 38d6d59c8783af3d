import { describe, expect, it } from 'vitest';
import { checkMirrorSource, maxDeleteFor } from '../../../electron/core/snapshots/mirror-guard.js';
import { buildMirrorSyncArgs, joinRemote } from '../../../electron/core/snapshots/mirror-layout.js';
import { MirrorChangeTracker, parseMirrorManifests } from '../../../electron/core/snapshots/mirror-manifest.js';

describe('mirror arguments', () => {
  it('joins paths onto remotes and local paths', () => {
    expect(joinRemote('b2:bucket/music-backup', 'current', 'music')).toBe('b2:bucket/music-backup/current/music');
    expect(joinRemote('dav:', 'current', 'music')).toBe('dav:current/music');
    expect(joinRemote('my remote:/abs/', 'versions', '2026-11-22T110424Z')).toBe('my remote:/abs/versions/2026-11-22T110424Z');
    expect(joinRemote('/mnt/nas/mirror', 'current', 'Sigur Rós')).toBe('/mnt/nas/mirror/current/Sigur Rós');
  });

  it('syncs into current/<base> with the backup dir in versions/<run>/<base>, paths after --', () => {
    expect(
      buildMirrorSyncArgs({ source: '/home/u/-music', base: '-music', target: 'b2:bk', runId: '2026-11-22T110424Z', maxDelete: 40, excludes: ['*.tmp'] }),
    ).toEqual([
      'sync',
      '--backup-dir',
      'b2:bk/versions/2026-11-22T110424Z/-music',
      '--max-delete',
      '40',
      '--exclude=*.tmp',
      '--',
      '/home/u/-music',
      'b2:bk/current/-music',
    ]);
    expect(buildMirrorSyncArgs({ source: '/m', base: 'm', target: 'r:', runId: 'X', dryRun: true })).toEqual([
      'sync',
      '--backup-dir',
      'r:versions/X/m',
      '--dry-run',
      '--',
      '/m',
      'r:current/m',
    ]);
  });
});

describe('deletion guard', () => {
  it('refuses a missing or empty source unless confirmed', () => {
    expect(checkMirrorSource('/x', undefined, {})?.kind).toBe('source-missing');
    expect(checkMirrorSource('/x', undefined, { confirmed: true })?.kind).toBe('source-missing');
    expect(checkMirrorSource('/x', { files: 0, bytes: 0 }, {})?.kind).toBe('source-empty');
    expect(checkMirrorSource('/x', { files: 0, bytes: 0 }, { confirmed: true })).toBeUndefined();
    expect(checkMirrorSource('/x', { files: 3, bytes: 9 }, {})).toBeUndefined();
  });

  it('limits deletions to a share of what the previous run left', () => {
    expect(maxDeleteFor(undefined, {})).toBeUndefined();
    expect(maxDeleteFor(10_000, {})).toBe(5000);
    expect(maxDeleteFor(10_000, { maxDeleteShare: 0.1 })).toBe(1000);
    expect(maxDeleteFor(10, {})).toBe(20);
    expect(maxDeleteFor(10, { minimumAllowed: 2, maxDeleteShare: 0.25 })).toBe(2);
    expect(maxDeleteFor(10_000, { confirmed: true })).toBeUndefined();
  });
});

describe('mirror change tracking and manifests', () => {
  const line = (msg: string, object: string, extra: Record<string, unknown> = {}) => JSON.stringify({ level: 'info', msg, object, ...extra });

  it('counts a replaced file as versioned, not new', () => {
    // The order and wording rclone 1.60 logs for sync --backup-dir (captured from a real run).
    const t = new MirrorChangeTracker();
    t.push(line('Copied (new)', 'A/d.flac'));
    t.push(line('Moved (server-side)', 'A/a.flac'));
    t.push(line('Copied (new)', 'A/a.flac'));
    t.push(line('Moved (server-side)', 'A/b.flac'));
    t.push(line('Moved into backup dir', 'A/b.flac'));
    t.push(line('Skipped copy as --dry-run is set (size 2)', 'A/x.flac', { skipped: 'copy' }));
    t.push('2026/11/22 11:12:33 Failed to sync with 3 errors');
    expect(t.added()).toEqual(['A/d.flac']);
    expect(t.versioned()).toBe(2);
    expect(t.transfers()).toBe(2);
  });

  it('reads manifests concatenated by rclone cat, sorted, ignoring foreign lines', () => {
    const m = (id: string) => JSON.stringify({ format: 'reprise-mirror', formatVersion: 1, id, sources: [] });
    expect(parseMirrorManifests(`${m('2026-02-01T000000Z')}\nnot json\n{"a":1}\n${m('2026-01-01T000000Z')}\n`).map((x) => x.id)).toEqual([
      '2026-01-01T000000Z',
      '2026-02-01T000000Z',
    ]);
  });
});

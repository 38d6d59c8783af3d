// The pure rules of remote sources: their name in the backup, which jobs may have them.
import { describe, expect, it } from 'vitest';
import { RepriseError } from '../../../shared/result.js';
import { isRemoteSource, sourceBaseName } from '../../../electron/core/sources/remote-source.js';
import { checkRemoteSources } from '../../../electron/core/sources/source-rules.js';

function refusal(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof RepriseError) return e.appError.message;
    throw e;
  }
  return 'accepted';
}

describe('remote sources', () => {
  it('are told from local folders the way rclone does', () => {
    expect(isRemoteSource('gdrive:Music')).toBe(true);
    expect(isRemoteSource('my drive:')).toBe(true);
    expect(isRemoteSource('/home/me/Music')).toBe(false);
    expect(isRemoteSource('/home/me/a:b')).toBe(false);
  });

  it('land under their last folder name, or the remote name for a remote root', () => {
    expect(sourceBaseName('gdrive:Music')).toBe('Music');
    expect(sourceBaseName('gdrive:Media/Photos/')).toBe('Photos');
    expect(sourceBaseName('gdrive:')).toBe('gdrive');
    expect(sourceBaseName('/home/me/Music')).toBe('Music');
  });

  it('refuse snapshots, mixing with local folders, and a destination inside the source', () => {
    expect(refusal(() => checkRemoteSources(['web:Music'], [{ kind: 'mirror', target: '/backup' }, { kind: 'copy', target: 'b2:bucket' }]))).toBe('accepted');
    expect(refusal(() => checkRemoteSources(['web:Music'], [{ kind: 'snapshot', target: '/backup' }]))).toContain('A snapshot destination needs a local source folder');
    expect(refusal(() => checkRemoteSources(['web:Music', '/home/me/Photos'], [{ kind: 'mirror', target: '/backup' }]))).toContain('not both');
    expect(refusal(() => checkRemoteSources(['web:Music'], [{ kind: 'mirror', target: 'web:Music/backup' }]))).toContain('inside the source');
    expect(refusal(() => checkRemoteSources(['web:'], [{ kind: 'mirror', target: 'web:backup' }]))).toContain('inside the source');
    expect(refusal(() => checkRemoteSources(['web:Music'], [{ kind: 'mirror', target: 'web:Musicals' }]))).toBe('accepted');
    expect(refusal(() => checkRemoteSources(['/home/me/Music'], [{ kind: 'snapshot', target: '/backup' }]))).toBe('accepted');
  });
});

import { describe, expect, it } from 'vitest';
import { isValidRemoteName } from '../../../shared/remotes/names.js';
import { folderTarget, joinPath, joinTarget, parseTarget, remoteOf, remoteTargetProblem } from '../../../shared/remotes/remote-path.js';

describe('destination targets', () => {
  it('tells remotes from local paths the way rclone does', () => {
    expect(parseTarget('b2:bucket/music')).toEqual({ type: 'remote', remote: 'b2', path: 'bucket/music' });
    expect(parseTarget('my nas:')).toEqual({ type: 'remote', remote: 'my nas', path: '' });
    expect(parseTarget('/media/usb/backup')).toEqual({ type: 'local', path: '/media/usb/backup' });
    expect(parseTarget('/media/odd:name')).toEqual({ type: 'local', path: '/media/odd:name' });
    expect(parseTarget('a\\b:c')).toEqual({ type: 'local', path: 'a\\b:c' });
    expect(parseTarget('C:\\Backups', { windows: true })).toEqual({ type: 'local', path: 'C:\\Backups' });
    expect(parseTarget('C:\\Backups')).toEqual({ type: 'remote', remote: 'C', path: '\\Backups' });
    expect(remoteOf('dav:music')).toBe('dav');
    expect(remoteOf('/music')).toBeNull();
  });

  it("names a remote folder as a folder, never turning a remote's root or a local path into another place", () => {
    expect(folderTarget('s3:bucket/reprise/records')).toBe('s3:bucket/reprise/records/');
    expect(folderTarget('s3:bucket/reprise/records/')).toBe('s3:bucket/reprise/records/');
    // "sftp:/" would be the server's root folder, not the remote's home.
    expect(folderTarget('sftp:')).toBe('sftp:');
    expect(folderTarget('/media/usb/backup')).toBe('/media/usb/backup');
  });

  it('joins folder names onto remote and local targets, keeping the REMOTE: prefix', () => {
    expect(joinTarget('b2:bucket', 'Music')).toBe('b2:bucket/Music');
    expect(joinTarget('b2:', 'Music')).toBe('b2:Music');
    expect(joinTarget('b2:/abs', 'versions', '2026', 'Music')).toBe('b2:/abs/versions/2026/Music');
    expect(joinTarget('/backup/', 'Sigur Rós')).toBe('/backup/Sigur Rós');
    expect(joinTarget('nas:backup', '')).toBe('nas:backup');
    expect(joinTarget('nas:backup/', 'records', '')).toBe('nas:backup/records');
  });

  it('joins paths like posix.join', () => {
    const cases: [string[], string][] = [
      [['a', 'b'], 'a/b'],
      [['/a/', 'b/'], '/a/b/'],
      [['a', '../b'], 'b'],
      [['a', '..', '..', 'c'], '../c'],
      [['/a', '..', '..', 'c'], '/c'],
      [['a//b', './c'], 'a/b/c'],
      [['', ''], '.'],
    ];
    for (const [parts, want] of cases) expect(joinPath(...parts)).toBe(want);
  });

  it('accepts rclone remote names and refuses dangerous ones', () => {
    for (const ok of ['b2', 'my-nas', 'Björk_cloud', 'a.b+c@d', 'with space']) expect(isValidRemoteName(ok)).toBe(true);
    for (const bad of ['', '-flag', ' lead', 'trail ', 'co:lon', 'sl/ash']) expect(isValidRemoteName(bad)).toBe(false);
  });

  it('says what is wrong with a typed remote:path', () => {
    expect(remoteTargetProblem('b2:bucket')).toBeUndefined();
    expect(remoteTargetProblem('/local/folder')).toMatch(/remote:path/);
    expect(remoteTargetProblem('-x:y')).toMatch(/dash/);
  });
});

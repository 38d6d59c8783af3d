import { describe, expect, it } from 'vitest';
import { isValidRemoteName, joinTarget, parseTarget } from '../../../electron/core/rclone/targets.js';

describe('destination targets', () => {
  it('tells remotes from local paths the way rclone does', () => {
    expect(parseTarget('b2:bucket/music')).toEqual({ type: 'remote', remote: 'b2', path: 'bucket/music' });
    expect(parseTarget('my nas:')).toEqual({ type: 'remote', remote: 'my nas', path: '' });
    expect(parseTarget('/media/usb/backup')).toEqual({ type: 'local', path: '/media/usb/backup' });
    expect(parseTarget('/media/odd:name')).toEqual({ type: 'local', path: '/media/odd:name' });
    expect(parseTarget('C:\\Backups', 'win32')).toEqual({ type: 'local', path: 'C:\\Backups' });
  });

  it('joins a source folder name onto remote and local targets', () => {
    expect(joinTarget('b2:bucket', 'Music')).toBe('b2:bucket/Music');
    expect(joinTarget('b2:', 'Music')).toBe('b2:Music');
    expect(joinTarget('/backup/', 'Sigur Rós')).toBe('/backup/Sigur Rós');
  });

  it('accepts rclone remote names and refuses dangerous ones', () => {
    for (const ok of ['b2', 'my-nas', 'Björk_cloud', 'a.b+c@d', 'with space']) expect(isValidRemoteName(ok)).toBe(true);
    for (const bad of ['', '-flag', ' lead', 'trail ', 'co:lon', 'sl/ash']) expect(isValidRemoteName(bad)).toBe(false);
  });
});

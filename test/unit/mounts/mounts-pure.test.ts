import { describe, expect, it } from 'vitest';
import { checkFuse } from '../../../electron/core/mounts/fuse-check.js';
import { parseMountInfo } from '../../../electron/core/mounts/mount-table.js';

describe('checkFuse', () => {
  const has = (files: string[]) => async (file: string) => files.includes(file);
  it('is ready on Linux with /dev/fuse and fusermount3', async () => {
    expect(await checkFuse({ platform: 'linux', path: '/usr/bin', exists: has(['/dev/fuse', '/usr/bin/fusermount3']) })).toEqual({ ok: true, unmountCommand: '/usr/bin/fusermount3' });
  });
  it('says how to install FUSE when /dev/fuse is missing', async () => {
    const status = await checkFuse({ platform: 'linux', path: '/usr/bin', exists: has(['/usr/bin/fusermount3']) });
    expect(status).toMatchObject({ ok: false, reason: expect.stringMatching(/\/dev\/fuse is missing/), howToInstall: expect.stringMatching(/apt install fuse3/) });
  });
  it('says how to install fuse3 when fusermount3 is missing', async () => {
    const status = await checkFuse({ platform: 'linux', path: '/usr/bin:/bin', exists: has(['/dev/fuse']) });
    expect(status).toMatchObject({ ok: false, reason: expect.stringMatching(/fusermount3/) });
  });
  it('names macFUSE and WinFsp on their platforms', async () => {
    expect(await checkFuse({ platform: 'darwin', path: '', exists: has([]) })).toMatchObject({ ok: false, howToInstall: expect.stringMatching(/macFUSE/) });
    expect(await checkFuse({ platform: 'win32', path: '', exists: has([]) })).toMatchObject({ ok: false, howToInstall: expect.stringMatching(/WinFsp/) });
  });
});

describe('parseMountInfo', () => {
  it('finds rclone mounts and unescapes spaces', () => {
    const text = [
      '22 1 0:21 / / rw,relatime - ext4 /dev/sda1 rw',
      '98 22 0:55 / /home/me/Reprise\\040Mounts/b2 rw,nosuid,nodev,relatime - fuse.rclone b2:music rw,user_id=0,group_id=0',
    ].join('\n');
    expect(parseMountInfo(text)).toEqual([
      { mountPoint: '/', fsType: 'ext4', source: '/dev/sda1' },
      { mountPoint: '/home/me/Reprise Mounts/b2', fsType: 'fuse.rclone', source: 'b2:music' },
    ]);
  });
});

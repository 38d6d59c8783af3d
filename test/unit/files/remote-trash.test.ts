// What a delete confirmation promises, per backend: the remote's trash only where rclone deletes into
// one (Drive unless use_trash = false, OneDrive/Jottacloud/Yandex/Mega unless hard_delete, Box,
// pCloud, Dropbox), B2 hides, everything else (local, SFTP, WebDAV, S3, FTP, SMB) deletes for good;
// wrappers (crypt, alias) answer for the remote they wrap.
import { describe, expect, it } from 'vitest';
import { trashOf } from '../../../electron/core/files/remote-trash.js';
import { deleteFate } from '../../../shared/files.js';

const dump = {
  gdrive: { type: 'drive', scope: 'drive' },
  gdrivehard: { type: 'drive', use_trash: 'false' },
  od: { type: 'onedrive' },
  odhard: { type: 'onedrive', hard_delete: 'true' },
  b2: { type: 'b2', account: 'x' },
  box: { type: 'box' },
  nas: { type: 'webdav', url: 'http://nas' },
  sftp: { type: 'sftp', host: 'h' },
  s3: { type: 's3', provider: 'AWS' },
  disk: { type: 'local' },
  secret: { type: 'crypt', remote: 'gdrive:Private' },
  secretnas: { type: 'crypt', remote: 'nas:Private' },
  music: { type: 'alias', remote: '/srv/music' },
  loop: { type: 'alias', remote: 'loop:x' },
};

describe('where a delete goes', () => {
  it.each([
    ['gdrive:Music/a.flac', 'trash'],
    ['gdrivehard:Music', 'permanent'],
    ['od:Docs', 'trash'],
    ['odhard:Docs', 'permanent'],
    ['b2:bucket/x', 'hidden'],
    ['box:x', 'trash'],
    ['nas:Kept', 'permanent'],
    ['sftp:/home/x', 'permanent'],
    ['s3:bucket/x', 'permanent'],
    ['disk:/tmp/x', 'permanent'],
    ['/home/me/x', 'permanent'],
    ['secret:a', 'trash'],
    ['secretnas:a', 'permanent'],
    ['music:a', 'permanent'],
    ['loop:a', 'permanent'],
    ['unknown:a', 'permanent'],
  ] as const)('%s → %s', (target, kind) => {
    expect(trashOf(target, dump)).toBe(kind);
  });

  it('the confirmation says "moved to the remote\'s trash" or "deleted for good"', () => {
    expect(deleteFate(trashOf('gdrive:Music', dump))).toContain("moved to the remote's trash");
    expect(deleteFate(trashOf('nas:Kept', dump))).toContain('deleted for good');
    expect(deleteFate(trashOf('sftp:x', dump))).toContain('deleted for good');
    expect(deleteFate(trashOf('b2:x', dump))).toContain('hidden');
  });
});

// files:trash reads rclone's own config (a real `rclone config dump`, no server needed): the Drive
// remote's delete goes to its trash unless use_trash is off, the WebDAV/SFTP/local ones delete for
// good, a crypt over Drive follows Drive.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Core, createCore } from '../../../electron/core/core.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let core: Core;

beforeAll(() => {
  const root = tempDir();
  const config = join(root, 'rclone.conf');
  writeFileSync(
    config,
    [
      '[gdrive]\ntype = drive\nscope = drive\n',
      '[gdrive_hard]\ntype = drive\nuse_trash = false\n',
      '[nas]\ntype = webdav\nurl = http://127.0.0.1:9\nvendor = other\n',
      '[box2]\ntype = sftp\nhost = 127.0.0.1\n',
      '[disk]\ntype = local\n',
      '[vault]\ntype = crypt\nremote = gdrive:Vault\npassword = x\n',
    ].join('\n'),
  );
  core = createCore({ dataDir: join(root, 'data'), host: 'cli', rcloneConfig: config });
});
afterAll(async () => {
  await core.close();
  cleanupTempDirs();
});

describe('files:trash', () => {
  it.each([
    ['gdrive:Music', 'trash'],
    ['gdrive_hard:Music', 'permanent'],
    ['nas:Kept', 'permanent'],
    ['box2:/srv', 'permanent'],
    ['disk:/tmp', 'permanent'],
    ['vault:x', 'trash'],
    ['/tmp/x', 'permanent'],
  ])('%s → %s', async (target, kind) => {
    const r = await core.handlers['files:trash']({ target });
    expect(r).toEqual({ ok: true, value: { kind } });
  });
});

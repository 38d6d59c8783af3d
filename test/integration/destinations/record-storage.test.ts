// The records folder on an rclone remote (here an alias of a local folder, with real rclone): what
// it asks rclone to skip. A record file known to be absent is written without rclone looking for it
// first (--no-check-dest); one that may be there is looked for, since on a remote that allows two
// files of one name (Google Drive) --no-check-dest would write it a second time.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { type RcloneExec, createRcloneExec } from '../../../electron/core/rclone/rclone-exec.js';
import { remoteRecordStorage } from '../../../electron/core/destinations/record/record-storage.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('records on a remote', () => {
  it('looks for a record file before writing it unless the listing showed it absent', async () => {
    const root = tempDir('reprise-records-');
    const config = join(root, 'rclone.conf');
    writeFileSync(config, `[box]\ntype = alias\nremote = ${join(root, 'remote')}\n`);
    const real = createRcloneExec({ bin: 'rclone', configFile: config, children: new ChildRunner() });
    const writes: Array<{ name: string; checked: boolean }> = [];
    const exec: RcloneExec = (call) => {
      if (call.args.includes('copyto')) writes.push({ name: call.args.at(-1)!.split('/').at(-1)!, checked: !call.args.includes('--no-check-dest') });
      return real(call);
    };
    // An earlier run wrote a.json.
    mkdirSync(join(root, 'remote', 'dest', 'records'), { recursive: true });
    writeFileSync(join(root, 'remote', 'dest', 'records', 'a.json'), '{"earlier":1}\n');
    const storage = remoteRecordStorage(exec, 'box:dest');

    // Nothing listed yet: rclone looks, whatever the name.
    await storage.putText('c.json', '{"c":1}\n');
    expect([...(await storage.index()).names].sort()).toEqual(['a.json', 'c.json']);
    // Listed: a.json is there and is looked for; b.json is not, and only its first write skips the look.
    await storage.putText('a.json', '{"second":2}\n');
    await storage.putText('b.json', '{"b":1}\n');
    await storage.putText('b.json', '{"b":2}\n');
    expect(writes).toEqual([
      { name: 'c.json', checked: true },
      { name: 'a.json', checked: true },
      { name: 'b.json', checked: false },
      { name: 'b.json', checked: true },
    ]);
    // Each name once, holding what was written last.
    expect(readdirSync(join(root, 'remote', 'dest', 'records')).sort()).toEqual(['a.json', 'b.json', 'c.json']);
    expect(readFileSync(join(root, 'remote', 'dest', 'records', 'a.json'), 'utf8')).toBe('{"second":2}\n');
    expect(readFileSync(join(root, 'remote', 'dest', 'records', 'b.json'), 'utf8')).toBe('{"b":2}\n');
  });
});

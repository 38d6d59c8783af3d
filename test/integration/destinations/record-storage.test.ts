// The records folder on an rclone remote (here an alias of a local folder, with real rclone): what
// it asks rclone to skip. A record file known to be absent is written without rclone looking for it
// first (--no-check-dest); one that may be there is looked for, since on a remote that allows two
// files of one name (Google Drive) --no-check-dest would write it a second time.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { type RcloneExec, createRcloneExec } from '../../../electron/core/rclone/rclone-exec.js';
import { remoteRecordStorage } from '../../../electron/core/destinations/record/record-storage.js';
import { summaryCacheIn } from '../../../electron/core/destinations/record/summary-cache.js';
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

/** A valid final summary of point `id` (what a mirror run writes), with `warnings` to vary its size. */
function summaryText(id: string, warnings: string[] = []): string {
  const counts = { files: 1, dirs: 1, links: 0, others: 0, bytes: 5 };
  return `${JSON.stringify({
    format: 'reprise-point', version: 1, id, state: 'final', destination: 'mirror', job: { id: 'j', name: 'J' }, sources: [{ base: 'music', path: '/music' }],
    startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:01:00.000Z', outcome: 'ok',
    record: { file: `${id}.entries.gz`, kind: 'full', base: null, depth: 0, lines: 2 }, totals: counts, changes: { added: 1, changed: 0, deleted: 0, bytes: 5 },
    lacking: { count: 0, sample: [] }, transferred: { files: 1, bytes: 5 }, warnings, interrupted: [], sqlite: [], confirmations: [], reprise: 'test',
  })}\n`;
}

describe('summaries kept between runs', () => {
  it('downloads only the summaries it has not read or written before, and what changed size behind its back', async () => {
    const root = tempDir('reprise-records-');
    const config = join(root, 'rclone.conf');
    writeFileSync(config, `[box]\ntype = alias\nremote = ${join(root, 'remote')}\n`);
    const records = join(root, 'remote', 'dest', 'records');
    mkdirSync(records, { recursive: true });
    const real = createRcloneExec({ bin: 'rclone', configFile: config, children: new ChildRunner() });
    // Which summaries each index downloaded: every *.json, or those its rules name.
    let downloaded: string[] = [];
    const exec: RcloneExec = (call) => {
      if (call.args.includes('copy')) {
        const from = call.args.indexOf('--include-from');
        downloaded.push(...(from >= 0 ? readFileSync(call.args[from + 1]!, 'utf8').split('\n').filter(Boolean).map((r) => r.slice(1)) : ['*']));
      }
      return real(call);
    };
    const cacheDir = join(root, 'cache');
    // Each process (run, Restore, CLI command) opens the records anew; the kept summaries are in the data folder.
    const open = () => remoteRecordStorage(exec, 'box:dest', summaryCacheIn(cacheDir, config, 'box:dest/records'));
    const indexOf = async () => {
      downloaded = [];
      const index = await open().index();
      return { finals: index.finals.map((s) => [s.id, s.warnings.length]), damaged: index.damaged.map((d) => d.name), downloaded: downloaded.sort() };
    };

    // Written by another machine: nothing kept yet, so all are read; the damaged one is reported.
    writeFileSync(join(records, 'p1.json'), summaryText('p1'));
    writeFileSync(join(records, 'p2.json'), summaryText('p2'));
    writeFileSync(join(records, 'bad.json'), '{"format":"reprise-point"');
    expect(await indexOf()).toEqual({ finals: [['p1', 0], ['p2', 0]], damaged: ['bad.json'], downloaded: ['*'] });
    // The next opening reads only what it could not use: the damaged summary, read again each time.
    expect(await indexOf()).toEqual({ finals: [['p1', 0], ['p2', 0]], damaged: ['bad.json'], downloaded: ['bad.json'] });

    // A summary this data folder wrote is never downloaded.
    await open().putText('p3.json', summaryText('p3'));
    expect(await indexOf()).toEqual({ finals: [['p1', 0], ['p2', 0], ['p3', 0]], damaged: ['bad.json'], downloaded: ['bad.json'] });

    // Rewritten behind Reprise's back (another size): read again, and its new content used.
    writeFileSync(join(records, 'p1.json'), summaryText('p1', ['rewritten']));
    expect(await indexOf()).toEqual({ finals: [['p1', 1], ['p2', 0], ['p3', 0]], damaged: ['bad.json'], downloaded: ['bad.json', 'p1.json'] });

    // Removed (by Reprise, or behind its back): gone from the index, whatever was kept.
    await open().remove('p2.json');
    rmSync(join(records, 'p3.json'));
    rmSync(join(records, 'bad.json'));
    expect(await indexOf()).toEqual({ finals: [['p1', 1]], damaged: [], downloaded: [] });
    // What is kept follows the listing: only p1 is left.
    const kept = await summaryCacheIn(cacheDir, config, 'box:dest/records').load();
    expect([...kept.keys()]).toEqual(['p1.json']);

    // Another rclone config's "box" is another place: nothing of this one is used there.
    expect([...(await summaryCacheIn(cacheDir, join(root, 'other.conf'), 'box:dest/records').load()).keys()]).toEqual([]);

    // A cache file that cannot be read costs downloads, nothing else.
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), 'not json');
    writeFileSync(join(records, 'p4.json'), summaryText('p4'));
    expect(await indexOf()).toEqual({ finals: [['p1', 1], ['p4', 0]], damaged: [], downloaded: ['*'] });
    expect(await indexOf()).toEqual({ finals: [['p1', 1], ['p4', 0]], damaged: [], downloaded: [] });
  });
});

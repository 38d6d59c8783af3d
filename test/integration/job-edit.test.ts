// `reprise job edit` and the destination rules of `job add`, as a user runs them (real processes).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../shared/model.js';
import { reprise } from '../support/cli.js';
import { makeLibrary } from '../support/library.js';
import { cleanupTempDirs, tempDir } from '../support/tmp.js';

afterAll(cleanupTempDirs);

function setup() {
  const root = tempDir();
  const music = join(root, 'Music');
  makeLibrary(music, { artists: ['A'], tracksPerAlbum: 1 });
  // A remote that answers nothing: jobs only need its name to exist.
  const config = join(root, 'rclone.conf');
  writeFileSync(config, '[dav]\ntype = webdav\nurl = http://127.0.0.1:9/\nvendor = other\n', { mode: 0o600 });
  const data = join(root, 'data');
  const cli = (args: string[], cwd?: string) => reprise(data, ['--rclone-config', config, ...args], {}, undefined, cwd);
  const jobs = async () => JSON.parse((await cli(['job', 'list', '--json'])).stdout) as Job[];
  return { root, music, cli, jobs };
}

describe('reprise job edit', () => {
  it('changes the options given, keeps the rest, the job id and unchanged destinations', async () => {
    const { root, music, cli, jobs } = setup();
    const snaps = join(root, 'snaps');
    const add = await cli(['job', 'add', 'Music', '--source', music, '--snapshot', snaps, '--mirror', 'dav:music', '--keep-last', '5', '--schedule', '0 3 * * *']);
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain(`Created job "Music": ${music} → ${snaps} (snapshot), dav:music (mirror)`);
    const [before] = await jobs();

    const edit = await cli(['job', 'edit', 'music', '--bwlimit', '08:00,512k 23:00,off', '--transfers', '2', '--checkers', '3', '--checksum', '--keep-daily', '7']);
    expect(edit.stderr).toBe('');
    expect(edit.exitCode).toBe(0);
    expect(edit.stdout).toContain('Changed job "Music"');
    // Options a snapshot does not use are named, in flags.
    expect(edit.stdout).toContain(`Note: --bwlimit, --transfers, --checkers and --checksum apply to copies and mirrors only; the snapshot destination ${snaps} is copied by rsync without them.`);
    const [after] = await jobs();
    expect(after).toMatchObject({
      id: before!.id,
      name: 'Music',
      sources: [music],
      schedule: '0 3 * * *',
      bwlimit: '08:00,512k 23:00,off',
      transfers: 2,
      checkers: 3,
      checksum: true,
      retention: { keepLast: 5, keepDaily: 7, keepWeekly: 8, keepMonthly: 12 },
      destinations: before!.destinations,
      createdAt: before!.createdAt,
    });

    // Destination options together are the new list; a kept destination keeps its id.
    const copy = join(root, 'copy');
    const dests = await cli(['job', 'edit', 'Music', '--snapshot', snaps, '--copy', copy, '--schedule', 'manual', '--bwlimit', 'off', '--no-checksum', '--rename', 'Tunes']);
    expect(dests.exitCode).toBe(0);
    const [renamed] = await jobs();
    expect(renamed).toMatchObject({ id: before!.id, name: 'Tunes', schedule: null, bwlimit: null, checksum: false, transfers: 2 });
    expect(renamed!.destinations.map((d) => [d.kind, d.target])).toEqual([['snapshot', snaps], ['copy', copy]]);
    expect(renamed!.destinations[0]!.id).toBe(before!.destinations[0]!.id);
  });

  it('refuses an unknown job and bad values in the flags\' words, changing nothing', async () => {
    const { music, root, cli, jobs } = setup();
    await cli(['job', 'add', 'Music', '--source', music, '--copy', join(root, 'b')]);
    const before = await jobs();
    const missing = await cli(['job', 'edit', 'Nope', '--verify']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('There is no job named "Nope".\n  Jobs: "Music".');
    const bad = await cli(['job', 'edit', 'Music', '--transfers', '0', '--keep-last', 'ten']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe('reprise: --keep-last: must be a number; --transfers: must be at least 1.');
    expect(await jobs()).toEqual(before);
  });
});

describe('relative destinations', () => {
  it('refuses "--copy dav" (the colon forgotten) naming the remote, and makes no folder', async () => {
    const { music, root, cli, jobs } = setup();
    const work = join(root, 'cwd');
    mkdirSync(work);
    const r = await cli(['job', 'add', 'Music', '--source', music, '--copy', 'dav'], work);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('The destination "dav" is not a full path. Did you mean the remote "dav:"?');
    const sub = await cli(['job', 'add', 'Music', '--source', music, '--mirror', 'DAV/music']);
    expect(sub.stderr).toContain('Did you mean the remote "dav:music"?');
    const plain = await cli(['job', 'add', 'Music', '--source', music, '--snapshot', 'backup']);
    expect(plain.exitCode).toBe(2);
    expect(plain.stderr).toContain('The destination "backup" is not a full path.\n  Write a full path that starts with /');
    expect(await jobs()).toEqual([]);
    expect(readdirSync(work)).toEqual([]);
    expect(existsSync(join(root, 'data', 'dav'))).toBe(false);
  });
});

describe('reprise status', () => {
  it('says never run, and the next run in short words', async () => {
    const { music, root, cli } = setup();
    await cli(['job', 'add', 'Music', '--source', music, '--copy', join(root, 'b'), '--schedule', '0 3 * * *']);
    const s = await cli(['status']);
    // Whatever the hour the test runs at: under an hour before 3 AM it is "in 43 min".
    expect(s.stdout).toMatch(/Music\s+Never run\s+—\s+in (\d+ h( \d+ min)?|\d+ min) \((Today|Tomorrow) /);
  });
});

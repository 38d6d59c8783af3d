// A name rclone 1.60 cannot open: rclone quotes the quote mark U+201B in its words for a name (so that
// a literal control symbol such as U+2409 can be told from a tab), then looks the quoted name up in
// the source and finds nothing. Reprise reads rclone's words back (rclone-names.ts), so the point
// names the file the source holds, says why it is missing, and restores the rest. The same file
// served by `rclone serve webdav` is a remote source that lists a file and breaks off its download
// ("unexpected EOF"): that one file is missing from the point, not a failed run retried three times.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(() => cleanupTempDirs());

describe('a name rclone 1.60 cannot open', () => {
  it('holding its quote mark U+201B: the point says that one file is missing and why, under its own name, and restores the rest', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    mkdirSync(join(src, 'Album'), { recursive: true });
    writeFileSync(join(src, 'Album', '01 fine.flac'), randomBytes(1_000));
    writeFileSync(join(src, 'Album', '02 \u201bquoted\u201b.flac'), randomBytes(1_001));
    const data = join(root, 'data');
    expect((await reprise(data, ['job', 'add', 'Quote', '--source', src, '--mirror', join(root, 'mirror')])).exitCode).toBe(0);
    const run = await reprise(data, ['run', 'Quote']);
    // rclone looks for "02 ‛‛quoted‛‛.flac" and says so in its words; the point names the file itself.
    expect(run.stdout).toContain('Partly failed');
    expect(run.stdout).toContain('1 file could not be backed up: music/Album/02 \u201bquoted\u201b.flac: could not be read from the source');
    const to = tempDir();
    const restore = await reprise(data, ['restore', 'Quote', '--path', 'music', '--to', to]);
    expect(restore.stdout).toContain('music/Album/02 \u201bquoted\u201b.flac: could not be read from the source');
    expect(restore.stdout).not.toContain('✓ verified');
    expect(readFileSync(join(to, 'music', 'Album', '01 fine.flac'))).toEqual(readFileSync(join(src, 'Album', '01 fine.flac')));
  });

  it('on a WebDAV source that lists it and breaks off its download: the point says that one file is missing, the rest restores', { timeout: 120_000 }, async () => {
    const root = tempDir();
    const served = join(root, 'served');
    mkdirSync(join(served, 'Music', 'Album'), { recursive: true });
    writeFileSync(join(served, 'Music', 'Album', '01 fine.flac'), randomBytes(1_000));
    writeFileSync(join(served, 'Music', 'Album', '02 \u201bquoted\u201b.flac'), randomBytes(1_001));
    const server = await startWebDav(served);
    try {
      const config = await writeWebDavConfig(root, 'web', server);
      const data = join(root, 'data');
      const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
      expect((await cli(['job', 'add', 'Eof', '--source', 'web:Music', '--mirror', join(root, 'mirror')])).exitCode).toBe(0);
      const run = await cli(['run', 'Eof']);
      expect(run.stdout).toContain('Partly failed');
      expect(run.stdout).toContain('Music/Album/02 \u201bquoted\u201b.flac: could not be read from the remote');
      // Not taken for a fault of the destination, and not retried.
      expect(run.stdout + run.stderr).not.toMatch(/can't reach|retrying/);
      const to = tempDir();
      const restore = await cli(['restore', 'Eof', '--path', 'Music', '--to', to]);
      expect(restore.stdout).toContain('Music/Album/02 \u201bquoted\u201b.flac: could not be read from the remote');
      expect(readFileSync(join(to, 'Music', 'Album', '01 fine.flac'))).toEqual(readFileSync(join(served, 'Music', 'Album', '01 fine.flac')));
    } finally {
      await server.stop();
    }
  });
});

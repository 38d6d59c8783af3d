// A name rclone 1.60 cannot open: rclone quotes the quote mark U+201B in its words for a name (so that
// a literal control symbol such as U+2409 can be told from a tab), then looks the quoted name up in
// the source and finds nothing. Reprise reads rclone's words back (rclone-names.ts), so the point
// names the file the source holds, says why it is missing, and restores the rest.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
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
});

// After each snapshot Reprise checks a sample of unchanged files really are hard links to the
// previous snapshot. An rsync whose --link-dest silently links nothing (as some 2025–2026 builds
// did) is stood in for by a wrapper that drops --link-dest: the run then says so in its log. After a
// small change Reprise links unchanged files itself; rsync's --link-dest links them after a large one.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

function logOf(stdout: string): string {
  const path = /Log: (\S+)/.exec(stdout)?.[1];
  return path ? readFileSync(path, 'utf8') : '';
}

describe('hard links after a snapshot', () => {
  it('are confirmed on a sample, and a snapshot of copies where links belong is warned about', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    for (let a = 0; a < 5; a++) {
      mkdirSync(join(src, `Artist ${a}`), { recursive: true });
      for (let t = 0; t < 8; t++) writeFileSync(join(src, `Artist ${a}`, `${t}.flac`), `track ${a}/${t}`);
    }
    // Enough files for a change too large for Reprise's own linking (over 1000 changed files).
    mkdirSync(join(src, 'Bulk'));
    for (let i = 0; i < 1100; i++) writeFileSync(join(src, 'Bulk', `${i}.flac`), `bulk ${i}`);
    const dest = tempDir();
    expect((await reprise(data, ['job', 'add', 'S', '--source', src, '--snapshot', dest])).exitCode).toBe(0);
    expect((await reprise(data, ['run', 'S'])).exitCode).toBe(0);

    writeFileSync(join(src, 'Artist 0', '0.flac'), 'a new take');
    const good = await reprise(data, ['run', 'S']);
    expect(good.exitCode, good.stdout + good.stderr).toBe(0);
    const goodLog = logOf(good.stdout);
    expect(goodLog).toMatch(/unchanged files linked to snapshot/);
    expect(goodLog).toMatch(/# hard links checked: (\d+) of \1 sampled unchanged files are links/);
    expect(goodLog).not.toMatch(/not hard links/);

    // An rsync that copies everything in full.
    const bin = tempDir();
    const wrapper = join(bin, 'rsync');
    writeFileSync(wrapper, '#!/bin/sh\nfor a in "$@"; do shift; case "$a" in --link-dest=*) ;; *) set -- "$@" "$a" ;; esac; done\nexec rsync "$@"\n');
    chmodSync(wrapper, 0o755);
    for (let i = 0; i < 1001; i++) writeFileSync(join(src, 'Bulk', `${i}.flac`), `bulk ${i}, another take`);
    const bad = await reprise(data, ['run', 'S'], { REPRISE_RSYNC: wrapper });
    expect(bad.exitCode, bad.stdout + bad.stderr).toBe(0);
    const badLog = logOf(bad.stdout);
    expect(badLog).not.toMatch(/unchanged files linked to snapshot/);
    expect(badLog).toMatch(/# warning: (\d+) of \1 unchanged files checked are full copies, not hard links to snapshot/);
  }, 120_000);
});

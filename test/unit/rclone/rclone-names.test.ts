// rclone names some local files otherwise than they are named (rclone-names.ts). Checked against
// rclone itself: every name, written as rclone names it, is what `rclone lsf` lists, and rclone's
// name read back is the file's own.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fromRcloneName, toRcloneName } from '../../../electron/core/rclone/rclone-names.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

const bin = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
const text = (binary: string): string => Buffer.from(binary, 'latin1').toString('utf8');

const NAMES = [
  'plain – ’ 🎵.flac',
  'tab\there.flac',
  'new\nline.flac',
  'del\x7f.flac',
  'bell\x07 and \x1f.flac',
  'symbols \u2409 \u240a \u2421 standing for themselves.flac',
  'null symbol \u2400.flac',
  'quote \u201b mark.flac',
  'full\uff0fwidth slash.flac',
  '\uff0e',
];

describe("rclone's names of local files", () => {
  it('are what rclone lists, and read back to the names themselves', () => {
    const dir = tempDir();
    for (const n of NAMES) writeFileSync(`${dir}/${n}`, n);
    const listed = execFileSync('rclone', ['lsf', '--config', '/dev/null', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n').filter(Boolean).sort();
    expect(NAMES.map((n) => text(toRcloneName(bin(n)))).sort()).toEqual(listed);
    for (const n of NAMES) expect(fromRcloneName(text(toRcloneName(bin(n)))), JSON.stringify(n)).toBe(n);
  });

  it('leave a name that needs nothing as it is, and bytes that are not UTF-8 untouched', () => {
    expect(toRcloneName('Artist/Album/01 Track.flac')).toBe('Artist/Album/01 Track.flac');
    const latin1 = 'Mot\xf6rhead\tlive.mp3';
    expect(toRcloneName(latin1)).toBe(`Mot\xf6rhead${bin('\u2409')}live.mp3`);
    expect(fromRcloneName('Artist/Album')).toBe('Artist/Album');
  });
});

// A source folder holding everything a faithful backup must keep: music files with unicode names,
// symlinks (relative, absolute, broken, pointing out of the tree), empty folders, odd modes, hard
// links, xattrs and an ACL, both spellings of "café", a name that is not UTF-8, names with control
// characters and a sparse file.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, openSync, closeSync, ftruncateSync, writeSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Raw bytes of a Latin-1 encoded name ("Motörhead" as an old ripper wrote it). */
export const LATIN1_NAME = Buffer.from('Mot\xf6rhead.mp3', 'latin1');

/** Writes the tree into `root` (created) and returns nothing: describe it with describeTree. */
export function makeTrickyTree(root: string, o: { readonly bigFiles?: number; readonly bigFileBytes?: number } = {}): void {
  const album = join(root, 'Björk', 'Homogenic (1997)');
  mkdirSync(album, { recursive: true });
  writeFileSync(join(album, '01 Jóga.flac'), randomBytes(30_000));
  writeFileSync(join(album, '02 Unravel.flac'), randomBytes(20_000));
  writeFileSync(join(album, 'cover.jpg'), randomBytes(2_000));
  symlinkSync('01 Jóga.flac', join(album, 'favourite'));
  symlinkSync('/etc/hostname', join(album, 'absolute link'));
  symlinkSync('../../nowhere/at/all', join(album, 'broken link'));
  symlinkSync('../../../outside-the-source', join(root, 'points outside'));
  mkdirSync(join(root, 'Empty Artist', 'Empty Album'), { recursive: true });
  mkdirSync(join(root, '-dash "quoted" Band'), { recursive: true });
  writeFileSync(join(root, '-dash "quoted" Band', 'track.mp3'), randomBytes(5_000));
  const keys = join(root, 'private');
  mkdirSync(keys);
  writeFileSync(join(keys, 'key'), 'secret key');
  chmodSync(join(keys, 'key'), 0o600);
  writeFileSync(join(keys, 'script.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(keys, 'script.sh'), 0o750);
  chmodSync(keys, 0o2750);
  const sigur = join(root, 'Sigur Rós', 'Ágætis byrjun');
  mkdirSync(sigur, { recursive: true });
  writeFileSync(join(sigur, 'Svefn-g-englar.flac'), randomBytes(25_000));
  linkSync(join(sigur, 'Svefn-g-englar.flac'), join(sigur, 'same track, hard link.flac'));
  writeFileSync(join(root, 'café.txt'.normalize('NFC')), 'composed é');
  writeFileSync(join(root, 'café.txt'.normalize('NFD')), 'decomposed e + accent');
  writeFileSync(Buffer.concat([Buffer.from(`${root}/`), LATIN1_NAME]), randomBytes(3_000));
  writeFileSync(join(root, 'Emoji 🎵 Band.flac'), randomBytes(4_000));
  // Names rclone writes in other characters (a tab, a newline, DEL as symbols; the symbols standing
  // for themselves, quoted) and look-alikes of what it encodes: each must come back as it was. (Its
  // quote mark U+201B is left out: rclone 1.60 cannot open such a file; mirror-sums.test.ts.)
  const odd = join(root, 'Odd names');
  mkdirSync(odd);
  for (const name of ['tab\there.flac', 'new\nline.flac', 'del\x7f.flac', 'symbol \u2409 \u2400 \u2421.flac', 'full\uff0fwidth slash.flac', '\uff0e']) writeFileSync(join(odd, name), randomBytes(600));
  execFileSync('setfattr', ['-n', 'user.rating', '-v', '5 stars', join(album, '01 Jóga.flac')]);
  execFileSync('setfattr', ['-n', 'user.comment', '-v', 'folder note', join(root, 'Björk')]);
  execFileSync('setfacl', ['-m', 'u:nobody:r', join(album, 'cover.jpg')]);
  // A sparse file: 8 MB apparent, a few bytes of data.
  const sparse = openSync(join(root, 'sparse.img'), 'w');
  ftruncateSync(sparse, 8 * 1024 * 1024);
  writeSync(sparse, Buffer.from('end'), 0, 3, 8 * 1024 * 1024 - 3);
  closeSync(sparse);
  for (let i = 0; i < (o.bigFiles ?? 0); i++) {
    const dir = join(root, 'Big', `Album ${Math.floor(i / 10)}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${String(i).padStart(3, '0')} track.flac`), randomBytes(o.bigFileBytes ?? 100_000));
  }
  // Fixed times on the folders, so a restore that forgets them is seen.
  utimesSync(join(root, 'Empty Artist'), 1_500_000_000, 1_500_000_000);
}

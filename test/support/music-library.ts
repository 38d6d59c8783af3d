// Generates a small music library on disk, laid out Artist/Album (Year)/NN Track.flac, with the
// names that tend to break tools: unicode, quotes, a leading dash, spaces.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One album in a generated library. */
export interface GeneratedAlbum {
  readonly artist: string;
  readonly album: string;
  readonly tracks: number;
  readonly cover?: 'cover.jpg' | 'folder.jpg' | 'front.jpg';
}

/** The default library: four artists, six albums. */
export const DEFAULT_ALBUMS: readonly GeneratedAlbum[] = [
  { artist: 'Pink Floyd', album: 'The Wall (1979)', tracks: 4, cover: 'cover.jpg' },
  { artist: 'Pink Floyd', album: 'Animals (1977)', tracks: 3, cover: 'folder.jpg' },
  { artist: 'Björk', album: 'Homogenic (1997)', tracks: 3, cover: 'front.jpg' },
  { artist: 'Sigur Rós', album: "( ) 'Untitled' (2002)", tracks: 2 },
  { artist: '-Dash Band', album: 'Leading "Dash" (2020)', tracks: 2, cover: 'cover.jpg' },
  { artist: 'Motörhead', album: 'Ace of Spades (1980)', tracks: 2 },
];

/** Deterministic content so a test can regenerate and compare bytes. */
export function trackBytes(artist: string, album: string, n: number, size = 4096): Buffer {
  const seed = Buffer.from(`${artist}/${album}/${n}`);
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = seed[i % seed.length]! ^ (i & 0xff);
  return buf;
}

/** Writes the library under `root` (root = the source folder, e.g. `/tmp/x/music`). */
export function generateLibrary(root: string, albums: readonly GeneratedAlbum[] = DEFAULT_ALBUMS, trackSize = 4096): void {
  for (const a of albums) {
    const dir = join(root, a.artist, a.album);
    mkdirSync(dir, { recursive: true });
    for (let n = 1; n <= a.tracks; n++) {
      writeFileSync(join(dir, `${String(n).padStart(2, '0')} Track ${n}.flac`), trackBytes(a.artist, a.album, n, trackSize));
    }
    if (a.cover) writeFileSync(join(dir, a.cover), Buffer.from(`JPEG ${a.artist} ${a.album}`));
  }
}

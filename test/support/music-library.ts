// Generates a small music library on disk, laid out Artist/Album (Year)/NN Track.flac, with the
// names that tend to break tools: unicode, quotes, a leading dash, spaces.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A real 64×64 PNG with a two-colour gradient picked from the name, so covers render in a browser. */
export function coverImage(name: string): Buffer {
  const size = 64;
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  const a = [h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff];
  const b = [255 - a[0]!, 200 - (a[1]! % 200), 120 + (a[2]! % 120)];
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // no filter
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size);
      for (let i = 0; i < 3; i++) raw[y * (size * 3 + 1) + 1 + x * 3 + i] = Math.round(a[i]! * (1 - t) + b[i]! * t);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

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
    // Named like the usual cover files; the bytes are a PNG (players and browsers go by content).
    if (a.cover) writeFileSync(join(dir, a.cover), coverImage(`${a.artist} ${a.album}`));
  }
}

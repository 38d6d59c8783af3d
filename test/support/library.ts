// Generates a small music library laid out Artist/Album (Year)/NN Track.flac, names included that
// tend to break things: unicode, quotes, a leading dash, emoji, spaces.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const trickyArtists = ['Sigur Rós', 'Björk', 'Motörhead', "Guns N' Roses", '-dash "quoted"', 'Emoji 🎵 Band'] as const;

export interface LibraryOptions {
  readonly artists?: readonly string[];
  readonly albumsPerArtist?: number;
  readonly tracksPerAlbum?: number;
  readonly trackBytes?: number;
}

/** Writes the library under root and returns the relative paths of its files. */
export function makeLibrary(root: string, o: LibraryOptions = {}): string[] {
  const files: string[] = [];
  const artists = o.artists ?? trickyArtists;
  for (const artist of artists) {
    for (let a = 1; a <= (o.albumsPerArtist ?? 1); a++) {
      const album = join(root, artist, `Album ${a} (${1990 + a})`);
      mkdirSync(album, { recursive: true });
      for (let t = 1; t <= (o.tracksPerAlbum ?? 2); t++) {
        const file = join(album, `${String(t).padStart(2, '0')} Track ${t}.flac`);
        writeFileSync(file, randomBytes(o.trackBytes ?? 20_000));
        files.push(relative(root, file));
      }
      writeFileSync(join(album, 'cover.jpg'), randomBytes(500));
      files.push(relative(root, join(album, 'cover.jpg')));
    }
  }
  return files.sort();
}

/** Every file under root (relative paths), sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** Whether two trees hold the same files with the same bytes. */
export function sameTree(a: string, b: string): boolean {
  const fa = listFiles(a);
  const fb = listFiles(b);
  if (JSON.stringify(fa) !== JSON.stringify(fb)) return false;
  return fa.every((f) => readFileSync(join(a, f)).equals(readFileSync(join(b, f))));
}

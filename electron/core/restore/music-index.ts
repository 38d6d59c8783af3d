// A music-aware view of a restore point: Artist → Album with cover, track count and size. Built
// from a flat listing so the same code serves a local snapshot and a remote mirror (rclone lsjson).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIO_FILE as AUDIO, type LooseEntry, type LooseSet } from '../../../shared/restore.js';

/** One entry of a listing, path relative to the source folder (`Artist/Album/01.flac`). */
export interface ListingEntry {
  readonly path: string;
  readonly size: number;
  readonly isDir: boolean;
  /** Local files only: inode and modification time, so hard-linked (unchanged) files can be told apart cheaply. */
  readonly ino?: number;
  readonly mtimeMs?: number;
}

/** An album folder as the restore picker shows it. */
export interface AlbumSummary {
  readonly name: string;
  /** Path inside the restore point, e.g. `music/Pink Floyd/The Wall (1979)`. */
  readonly path: string;
  readonly cover: string | null;
  readonly tracks: number;
  readonly bytes: number;
}

/** An artist folder and its albums. */
export interface ArtistSummary {
  readonly name: string;
  readonly path: string;
  readonly albums: readonly AlbumSummary[];
  /** Everything in the folder: its albums and its loose files. */
  readonly bytes: number;
  /** Only when the folder holds files beside its albums. */
  readonly loose?: LooseSet;
}

/** How many loose files of one artist are named in the index, and of all artists together. */
export const LOOSE_NAMED = 50;
export const LOOSE_NAMED_IN_ALL = 10_000;

/** Music layout when most second-level folders hold audio; otherwise plain folder browsing. */
export interface MusicIndex {
  readonly source: string;
  readonly layout: 'music' | 'plain';
  readonly artists: readonly ArtistSummary[];
  /** Only when the source folder holds files beside its artists. */
  readonly loose?: LooseSet;
}

const COVERS = ['cover.jpg', 'folder.jpg', 'front.jpg', 'cover.png', 'folder.png', 'front.png', 'cover.jpeg', 'albumart.jpg'];

/** Groups a listing of one source folder into artists and albums. */
export function buildMusicIndex(source: string, entries: Iterable<ListingEntry>): MusicIndex {
  const b = new MusicIndexBuilder(source);
  for (const e of entries) b.add(e);
  return b.finish();
}

/** Whether `path` from `start` to `end` is `name`. */
const sameName = (path: string, start: number, end: number, name: string | null): boolean => name !== null && end - start === name.length && path.startsWith(name, start);

/** Loose files: counts, and the raw names of the first ones (decoded in finish()). */
interface LooseStats {
  files: number;
  tracks: number;
  bytes: number;
  named: Array<[raw: string, bytes: number]>;
}

/** What the builder keeps of an artist. */
interface ArtistStats {
  readonly albums: Map<string, AlbumStats>;
  loose: LooseStats | null;
}

/** What the builder keeps of an album. */
interface AlbumStats {
  /** The cover's file name inside the album folder. */
  cover: string | null;
  tracks: number;
  bytes: number;
  coverRank: number;
}

/**
 * The music index built one entry at a time, so a point's record can be streamed into it: only the
 * artists and albums are kept, never the listing (a million files would be a million objects).
 * A backup run feeds it every entry it walks, so adding one is kept cheap: no split, no object per
 * entry, and the artist and album looked up again only when they change (listings come in order).
 */
export class MusicIndexBuilder {
  private readonly artists = new Map<string, ArtistStats>();
  // The last artist and album seen, as given (raw) and what they lead to.
  private lastArtist: string | null = null;
  private lastArtistStats: ArtistStats | null = null;
  private lastAlbum: string | null = null;
  private lastStats: AlbumStats | null = null;

  /**
   * `decode`: turns the names of the paths given into text; paths may then be bytes (a binary
   * string, as records hold them), decoded only once per artist and album and for covers.
   */
  constructor(
    private readonly source: string,
    private readonly decode: (raw: string) => string = (raw) => raw,
  ) {}

  add(e: ListingEntry): void {
    this.addPath(e.path, 0, e.size, e.isDir);
  }

  /** Adds the entry whose path relative to the source is `path` from `start` on. */
  addPath(path: string, start: number, size: number, isDir: boolean): void {
    const i = path.indexOf('/', start);
    if (i < 0 && !isDir && path.length > start) {
      // A file right inside the source folder, beside the artists.
      this.addLoose((this.rootLoose ??= { files: 0, tracks: 0, bytes: 0, named: [] }), path, start, size);
      return;
    }
    if (i <= start) return; // an empty name
    let artist = this.lastArtistStats;
    if (!artist || !sameName(path, start, i, this.lastArtist)) {
      const rawArtist = path.slice(start, i);
      const name = this.decode(rawArtist);
      artist = this.artists.get(name) ?? null;
      if (!artist) {
        artist = { albums: new Map(), loose: null };
        this.artists.set(name, artist);
      }
      this.lastArtist = rawArtist;
      this.lastArtistStats = artist;
      this.lastAlbum = null;
      this.lastStats = null;
    }
    const albums = artist.albums;
    const j = path.indexOf('/', i + 1);
    if (j < 0 && !isDir) {
      if (path.length === i + 1) return;
      this.addLoose((artist.loose ??= { files: 0, tracks: 0, bytes: 0, named: [] }), path, i + 1, size);
      return;
    }
    const end = j < 0 ? path.length : j;
    if (end === i + 1) return;
    let a = this.lastStats;
    if (!a || !sameName(path, i + 1, end, this.lastAlbum)) {
      const rawAlbum = path.slice(i + 1, end);
      const album = this.decode(rawAlbum);
      a = albums.get(album) ?? null;
      if (!a) {
        a = { cover: null, tracks: 0, bytes: 0, coverRank: Infinity };
        albums.set(album, a);
      }
      this.lastAlbum = rawAlbum;
      this.lastStats = a;
    }
    if (isDir) return;
    a.bytes += size;
    // The pattern ends the path: testing the whole path tests the file name.
    if (AUDIO.test(path)) a.tracks++;
    // Covers count only right inside the album folder.
    if (a.coverRank === 0 || path.indexOf('/', j + 1) >= 0) return;
    const file = path.slice(j + 1);
    const rank = COVERS.indexOf(file.toLowerCase());
    if (rank >= 0 && rank < a.coverRank) {
      a.coverRank = rank;
      // Only the file's name: the path is put together in finish() (a million-file library has
      // ~80k albums, and a whole path kept for each cost ~9 MB of the run's heap).
      a.cover = file === COVERS[rank] ? COVERS[rank]! : this.decode(file);
    }
  }

  /** How many loose files are named so far, of all artists and the source folder. */
  private looseNamed = 0;
  /** The files right inside the source folder. */
  private rootLoose: LooseStats | null = null;

  /** A file right inside an artist folder (or the source folder), its name from `start` on. */
  private addLoose(loose: LooseStats, path: string, start: number, size: number): void {
    loose.files++;
    loose.bytes += size;
    if (AUDIO.test(path)) loose.tracks++;
    // Names beyond the caps are only counted: a source of loose files would otherwise be held whole.
    if (loose.named.length < LOOSE_NAMED && this.looseNamed < LOOSE_NAMED_IN_ALL) {
      loose.named.push([path.slice(start), size]);
      this.looseNamed++;
    }
  }

  finish(): MusicIndex {
    const index = this.finishLazily();
    return { ...index, artists: [...index.artists] };
  }

  /**
   * The index with its artists made one at a time, in order, each when asked for: a writer that puts
   * them out one by one never holds them all (a million-file library has ~80k albums, and all of
   * them as objects and then as one JSON text cost ~90 MB at the end of a run).
   */
  finishLazily(): { readonly source: string; readonly layout: 'music' | 'plain'; readonly artists: Iterable<ArtistSummary>; readonly loose?: LooseSet } {
    const source = this.source;
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    // Music when most albums hold audio; an artist's loose files weigh as one album more.
    let albumsWithAudio = 0;
    let albumCount = 0;
    for (const { albums, loose } of this.artists.values()) {
      albumCount += albums.size + (loose ? 1 : 0);
      for (const a of albums.values()) if (a.tracks > 0) albumsWithAudio++;
      if (loose && loose.tracks > 0) albumsWithAudio++;
    }
    const all = this.artists;
    const decode = this.decode;
    const names = [...all.keys()].sort((x, y) => collator.compare(x, y));
    function* artists(): Generator<ArtistSummary> {
      for (const artist of names) {
        const stats = all.get(artist)!;
        const list: AlbumSummary[] = [...stats.albums]
          .map(([name, a]) => ({ name, path: `${source}/${artist}/${name}`, cover: a.cover === null ? null : `${source}/${artist}/${name}/${a.cover}`, tracks: a.tracks, bytes: a.bytes }))
          .sort((x, y) => collator.compare(x.name, y.name));
        const bytes = list.reduce((n, a) => n + a.bytes, 0);
        const l = stats.loose;
        if (!l) {
          yield { name: artist, path: `${source}/${artist}`, albums: list, bytes };
          continue;
        }
        yield { name: artist, path: `${source}/${artist}`, albums: list, bytes: bytes + l.bytes, loose: looseOf(l, `${source}/${artist}`) };
      }
    }
    function looseOf(l: LooseStats, folder: string): LooseSet {
      const named = l.named
        .map(([raw, size]): LooseEntry => {
          const name = decode(raw);
          return { name, path: `${folder}/${name}`, bytes: size };
        })
        .sort((x, y) => collator.compare(x.name, y.name));
      return { files: l.files, tracks: l.tracks, bytes: l.bytes, named };
    }
    const layout = albumCount > 0 && albumsWithAudio * 2 >= albumCount ? 'music' : 'plain';
    return { source, layout, artists: { [Symbol.iterator]: artists }, ...(this.rootLoose ? { loose: looseOf(this.rootLoose, source) } : {}) };
  }
}

/** Lists a local folder recursively (no symlinks followed) as a flat listing. */
export async function listLocalTree(root: string, concurrency = 16): Promise<ListingEntry[]> {
  const out: ListingEntry[] = [];
  const pending: Array<[string, string]> = [[root, '']];
  // A music library is thousands of small folders: reading several at once keeps the disk (and
  // the thread pool) busy instead of waiting for one readdir after another.
  const visit = async (dir: string, rel: string): Promise<void> => {
    // One readdir per folder is several times faster than iterating an opendir handle.
    const entries = await readdir(dir, { withFileTypes: true });
    const files = entries.filter((e) => e.isFile());
    const stats = await Promise.all(files.map((e) => lstat(join(dir, e.name))));
    files.forEach((e, i) => {
      const s = stats[i]!;
      out.push({ path: rel ? `${rel}/${e.name}` : e.name, size: s.size, isDir: false, ino: s.ino, mtimeMs: s.mtimeMs });
    });
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const path = rel ? `${rel}/${e.name}` : e.name;
      out.push({ path, size: 0, isDir: true });
      pending.push([join(dir, e.name), path]);
    }
  };
  await new Promise<void>((resolve, reject) => {
    let active = 0;
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (pending.length === 0 && active === 0) return resolve();
      while (active < concurrency && pending.length > 0) {
        const [dir, rel] = pending.pop()!;
        active++;
        visit(dir, rel).then(
          () => {
            active--;
            pump();
          },
          (err: unknown) => {
            failed = true;
            reject(err);
          },
        );
      }
    };
    pump();
  });
  return out;
}

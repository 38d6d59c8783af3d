// A music-aware view of a restore point: Artist → Album with cover, track count and size. Built
// from a flat listing so the same code serves a local snapshot and a remote mirror (rclone lsjson).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

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
  readonly bytes: number;
}

/** Music layout when most second-level folders hold audio; otherwise plain folder browsing. */
export interface MusicIndex {
  readonly source: string;
  readonly layout: 'music' | 'plain';
  readonly artists: readonly ArtistSummary[];
}

const AUDIO = /\.(flac|mp3|m4a|aac|ogg|oga|opus|wav|aif|aiff|alac|ape|wv|dsf|dff|wma|mpc)$/i;
const COVERS = ['cover.jpg', 'folder.jpg', 'front.jpg', 'cover.png', 'folder.png', 'front.png', 'cover.jpeg', 'albumart.jpg'];

/** Groups a listing of one source folder into artists and albums. */
export function buildMusicIndex(source: string, entries: Iterable<ListingEntry>): MusicIndex {
  const b = new MusicIndexBuilder(source);
  for (const e of entries) b.add(e);
  return b.finish();
}

/** Whether `path` from `start` to `end` is `name`. */
const sameName = (path: string, start: number, end: number, name: string | null): boolean => name !== null && end - start === name.length && path.startsWith(name, start);

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
  private readonly artists = new Map<string, Map<string, AlbumStats>>();
  // The last artist and album seen, as given (raw) and what they lead to.
  private lastArtist: string | null = null;
  private lastAlbums: Map<string, AlbumStats> | null = null;
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
    if (i <= start) return; // a loose file in the source folder (or an empty name)
    let albums = this.lastAlbums;
    if (!albums || !sameName(path, start, i, this.lastArtist)) {
      const rawArtist = path.slice(start, i);
      const artist = this.decode(rawArtist);
      albums = this.artists.get(artist) ?? null;
      if (!albums) {
        albums = new Map();
        this.artists.set(artist, albums);
      }
      this.lastArtist = rawArtist;
      this.lastAlbums = albums;
      this.lastAlbum = null;
      this.lastStats = null;
    }
    const j = path.indexOf('/', i + 1);
    if (j < 0 && !isDir) return; // a loose file next to the albums
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

  finish(): MusicIndex {
    const index = this.finishLazily();
    return { ...index, artists: [...index.artists] };
  }

  /**
   * The index with its artists made one at a time, in order, each when asked for: a writer that puts
   * them out one by one never holds them all (a million-file library has ~80k albums, and all of
   * them as objects and then as one JSON text cost ~90 MB at the end of a run).
   */
  finishLazily(): { readonly source: string; readonly layout: 'music' | 'plain'; readonly artists: Iterable<ArtistSummary> } {
    const source = this.source;
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    let albumsWithAudio = 0;
    let albumCount = 0;
    for (const albums of this.artists.values()) {
      albumCount += albums.size;
      for (const a of albums.values()) if (a.tracks > 0) albumsWithAudio++;
    }
    const all = this.artists;
    const names = [...all.keys()].sort((x, y) => collator.compare(x, y));
    function* artists(): Generator<ArtistSummary> {
      for (const artist of names) {
        const list: AlbumSummary[] = [...all.get(artist)!]
          .map(([name, a]) => ({ name, path: `${source}/${artist}/${name}`, cover: a.cover === null ? null : `${source}/${artist}/${name}/${a.cover}`, tracks: a.tracks, bytes: a.bytes }))
          .sort((x, y) => collator.compare(x.name, y.name));
        yield { name: artist, path: `${source}/${artist}`, albums: list, bytes: list.reduce((n, a) => n + a.bytes, 0) };
      }
    }
    return { source, layout: albumCount > 0 && albumsWithAudio * 2 >= albumCount ? 'music' : 'plain', artists: { [Symbol.iterator]: artists } };
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

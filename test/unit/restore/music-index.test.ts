// The restore picker's music view: artists and albums with cover, track count and size, built one
// listing entry at a time (so a point's record can stream into it).
import { describe, expect, it } from 'vitest';
import { LOOSE_NAMED, LOOSE_NAMED_IN_ALL, MusicIndexBuilder, buildMusicIndex } from '../../../electron/core/restore/music-index.js';

const entries = [
  { path: 'Björk', size: 0, isDir: true },
  { path: 'Björk/Homogenic (1997)', size: 0, isDir: true },
  { path: 'Björk/Homogenic (1997)/01 Hunter.flac', size: 300, isDir: false },
  { path: 'Björk/Homogenic (1997)/02 Jóga.flac', size: 200, isDir: false },
  { path: 'Björk/Homogenic (1997)/folder.jpg', size: 10, isDir: false },
  { path: 'Björk/Homogenic (1997)/cover.jpg', size: 20, isDir: false },
  { path: 'Björk/Debut (1993)/01 Human Behaviour.flac', size: 100, isDir: false },
  { path: 'abba/Gold/01 Dancing Queen.mp3', size: 50, isDir: false },
  { path: 'abba/notes.txt', size: 5, isDir: false },
  { path: 'loose.txt', size: 1, isDir: false },
];

describe('the music index', () => {
  it('groups files into artists and albums in the collation order, the best cover first', () => {
    const index = buildMusicIndex('Music', entries);
    expect(index.layout).toBe('music');
    expect(index.artists.map((a) => a.name)).toEqual(['abba', 'Björk']);
    const bjork = index.artists[1]!;
    expect(bjork.albums.map((a) => a.name)).toEqual(['Debut (1993)', 'Homogenic (1997)']);
    expect(bjork.albums[1]).toEqual({ name: 'Homogenic (1997)', path: 'Music/Björk/Homogenic (1997)', cover: 'Music/Björk/Homogenic (1997)/cover.jpg', tracks: 2, bytes: 530 });
    expect(bjork.bytes).toBe(630);
    expect(index.artists[0]!.albums).toEqual([{ name: 'Gold', path: 'Music/abba/Gold', cover: null, tracks: 1, bytes: 50 }]);
    // A file beside the albums is the artist's own, counted in what "Restore all" brings back.
    expect(index.artists[0]!.loose).toEqual({ files: 1, tracks: 0, bytes: 5, named: [{ name: 'notes.txt', path: 'Music/abba/notes.txt', bytes: 5 }] });
    expect(index.artists[0]!.bytes).toBe(55);
    expect(bjork.loose).toBeUndefined();
    // A file right inside the source folder, beside the artists: the source's own.
    expect(index.loose).toEqual({ files: 1, tracks: 0, bytes: 1, named: [{ name: 'loose.txt', path: 'Music/loose.txt', bytes: 1 }] });
    expect(buildMusicIndex('Music', entries.slice(0, -1)).loose).toBeUndefined();
  });

  it('counts every file right inside the source folder and names the first LOOSE_NAMED, in the collation order', () => {
    const files = [...Array.from({ length: LOOSE_NAMED + 5 }, (_, i) => ({ path: `track ${String(i).padStart(3, '0')}.mp3`, size: 3, isDir: false })), { path: 'Playlist.m3u', size: 4, isDir: false }];
    const index = buildMusicIndex('Music', [{ path: 'Nico/Chelsea Girl/01 The Fairest.flac', size: 9, isDir: false }, ...files.reverse()]);
    expect(index.artists.map((a) => a.name)).toEqual(['Nico']);
    expect(index.loose).toMatchObject({ files: LOOSE_NAMED + 6, tracks: LOOSE_NAMED + 5, bytes: 3 * (LOOSE_NAMED + 5) + 4 });
    expect(index.loose!.named).toHaveLength(LOOSE_NAMED);
    expect(index.loose!.named[0]).toEqual({ name: 'Playlist.m3u', path: 'Music/Playlist.m3u', bytes: 4 });
  });

  it('counts and names the tracks right inside an artist folder, not in any album', () => {
    const index = buildMusicIndex('Music', [
      { path: 'Sigur Rós', size: 0, isDir: true },
      { path: 'Sigur Rós/02 Hoppípolla.flac', size: 700, isDir: false },
      { path: 'Sigur Rós/01 Svefn-g-englar.flac', size: 900, isDir: false },
      { path: 'Sigur Rós/band.jpg', size: 30, isDir: false },
      { path: 'Sigur Rós/( ) (2002)/01 Untitled.flac', size: 400, isDir: false },
    ]);
    const sigur = index.artists[0]!;
    expect(sigur.albums.map((a) => [a.name, a.tracks])).toEqual([['( ) (2002)', 1]]);
    expect(sigur.loose).toEqual({
      files: 3,
      tracks: 2,
      bytes: 1630,
      named: [
        { name: '01 Svefn-g-englar.flac', path: 'Music/Sigur Rós/01 Svefn-g-englar.flac', bytes: 900 },
        { name: '02 Hoppípolla.flac', path: 'Music/Sigur Rós/02 Hoppípolla.flac', bytes: 700 },
        { name: 'band.jpg', path: 'Music/Sigur Rós/band.jpg', bytes: 30 },
      ],
    });
    expect(sigur.bytes).toBe(2030);
  });

  it('reads a library of loose tracks only (no album folders) as music', () => {
    const index = buildMusicIndex('Music', ['Nico', 'Low', 'Can'].flatMap((artist) => [1, 2].map((t) => ({ path: `${artist}/0${t} Song.mp3`, size: 10, isDir: false }))));
    expect(index.layout).toBe('music');
    expect(index.artists.map((a) => [a.name, a.albums.length, a.loose?.tracks])).toEqual([['Can', 0, 2], ['Low', 0, 2], ['Nico', 0, 2]]);
    // Loose documents are not: a folder of papers stays a plain folder.
    expect(buildMusicIndex('Docs', [{ path: 'Taxes/2024.pdf', size: 1, isDir: false }, { path: 'Taxes/2025.pdf', size: 1, isDir: false }]).layout).toBe('plain');
  });

  it('names at most LOOSE_NAMED loose files of an artist and LOOSE_NAMED_IN_ALL in all, and counts every one', () => {
    const b = new MusicIndexBuilder('Music');
    const artists = Math.ceil(LOOSE_NAMED_IN_ALL / LOOSE_NAMED) + 3;
    for (let a = 0; a < artists; a++) {
      // The first artist has more than its share.
      const files = a === 0 ? LOOSE_NAMED + 7 : LOOSE_NAMED;
      for (let t = 0; t < files; t++) b.add({ path: `A${String(a).padStart(4, '0')}/${String(t).padStart(3, '0')}.flac`, size: 2, isDir: false });
    }
    const index = b.finish();
    expect(index.artists).toHaveLength(artists);
    expect(index.artists[0]!.loose).toMatchObject({ files: LOOSE_NAMED + 7, tracks: LOOSE_NAMED + 7, bytes: 2 * (LOOSE_NAMED + 7) });
    expect(index.artists[0]!.loose!.named).toHaveLength(LOOSE_NAMED);
    expect(index.artists[0]!.loose!.named[0]!.name).toBe('000.flac');
    expect(index.artists.reduce((n, a) => n + a.loose!.named.length, 0)).toBe(LOOSE_NAMED_IN_ALL);
    expect(index.artists.at(-1)!.loose).toEqual({ files: LOOSE_NAMED, tracks: LOOSE_NAMED, bytes: 2 * LOOSE_NAMED, named: [] });
  });

  it('gives the same index entry by entry as from a whole listing', () => {
    const b = new MusicIndexBuilder('Music');
    for (const e of entries) b.add(e);
    expect(b.finish()).toEqual(buildMusicIndex('Music', entries));
  });
});

describe('the music index of record paths (bytes)', () => {
  const bin = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
  const textOf = (raw: string): string => Buffer.from(raw, 'latin1').toString('utf8');
  it('decodes artist, album and cover names and groups as the text listing does, a prefix skipped', () => {
    const latin1 = Buffer.from('Caf\xe9', 'latin1').toString('latin1'); // not UTF-8: shown with U+FFFD
    const raw = [...entries.map((e) => ({ ...e, path: bin(e.path) })), { path: `${latin1}/Live/01.mp3`, size: 3, isDir: false }, { path: `${latin1}/Live/cover.jpg`, size: 4, isDir: false }, { path: 'x//y.flac', size: 1, isDir: false }];
    const b = new MusicIndexBuilder('Music', textOf);
    for (const e of raw) b.addPath(`src/dir/${e.path}`, 'src/dir/'.length, e.size, e.isDir);
    expect(b.finish()).toEqual(buildMusicIndex('Music', raw.map((e) => ({ ...e, path: textOf(e.path) }))));
    expect(b.finish().artists.map((a) => a.name)).toContain('Caf\ufffd');
  });
});

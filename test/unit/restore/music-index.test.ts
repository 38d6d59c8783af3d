// The restore picker's music view: artists and albums with cover, track count and size, built one
// listing entry at a time (so a point's record can stream into it).
import { describe, expect, it } from 'vitest';
import { MusicIndexBuilder, buildMusicIndex } from '../../../electron/core/restore/music-index.js';

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

// Restore's first screen comes from a small index each run stores beside its record
// (records/<id>.index.json.gz) instead of from the whole record. What it shows must be exactly what
// the record says; a damaged or missing index (a point made before there were any) is read from the
// record instead, without a word to the user.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../electron/core/core.js';
import { localRecordStorage } from '../../../electron/core/destinations/record/record-storage.js';
import { openRecords } from '../../../electron/core/destinations/record/record-chain.js';
import { INDEX_CACHE, indexFromRecord } from '../../../electron/core/restore/restore-picker.js';
import type { SourceIndex } from '../../../shared/restore.js';
import { reprise } from '../../support/cli.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let root: string;
let config: string;
let server: WebDavServer;

beforeAll(async () => {
  root = tempDir();
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'dav'));
  server = await startWebDav(join(root, 'dav'));
  config = await writeWebDavConfig(root, 'dav', server);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

function album(dir: string, artist: string, name: string, tracks: number, cover?: string): void {
  mkdirSync(join(dir, artist, name), { recursive: true });
  for (let t = 0; t < tracks; t++) writeFileSync(join(dir, artist, name, `${t + 1} Track.flac`), randomBytes(3_000 + t));
  if (cover) writeFileSync(join(dir, artist, name, cover), randomBytes(500));
}

type Points = Array<{ points: Array<{ id: string }> }>;

describe.each([
  ['snapshot', '--snapshot', (): string => join(root, 'snaps'), (): string => join(root, 'snaps')],
  ['local mirror', '--mirror', (): string => join(root, 'mirror'), (): string => join(root, 'mirror')],
  ['WebDAV mirror', '--mirror', (): string => 'dav:music', (): string => join(root, 'dav', 'music')],
] as const)('the picker index of a %s point', (kind, flag, target, folder) => {
  it('shows what the record says, is what browse reads, falls back to the record when damaged or missing, and goes with its point', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    const other = join(tempDir(), 'books');
    album(src, 'Björk', 'Homogenic (1997)', 3, 'cover.jpg');
    album(src, 'Björk', 'Debut (1993)', 2, 'folder.jpg');
    album(src, 'abba', 'Gold', 2);
    writeFileSync(join(src, 'abba', 'notes.txt'), 'loose');
    mkdirSync(join(src, 'Deep', 'Box', 'CD1'), { recursive: true });
    writeFileSync(join(src, 'Deep', 'Box', 'CD1', '01.mp3'), randomBytes(700));
    writeFileSync(join(src, 'Deep', 'Box', 'CD1', 'cover.jpg'), randomBytes(50));
    writeFileSync(join(src, 'top.txt'), 'loose at the top');
    // Tracks right inside an artist folder, no album: counted and named in the index.
    mkdirSync(join(src, 'Sigur Rós'));
    writeFileSync(join(src, 'Sigur Rós', '02 Hoppípolla.flac'), randomBytes(800));
    writeFileSync(join(src, 'Sigur Rós', '01 Svefn-g-englar.flac'), randomBytes(1_200));
    album(other, 'Le Guin', 'Earthsea', 1);
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
    const add = await cli(['job', 'add', 'M', '--source', src, '--source', other, flag, target(), '--keep-last', '1', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0']);
    expect(add.exitCode, add.stderr).toBe(0);
    const run = async (): Promise<string> => {
      const r = await cli(['run', 'M']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      return (JSON.parse((await cli(['snapshots', 'M', '--json'])).stdout) as Points)[0]!.points[0]!.id;
    };
    const records = join(folder(), 'records');
    const indexFile = (id: string): string => join(records, `${id}.index.json.gz`);
    // Through the server on WebDAV: rclone serve caches what it has seen of its folder.
    const putIndex = async (id: string, bytes: Buffer): Promise<void> => {
      if (!target().startsWith('dav:')) return writeFileSync(indexFile(id), bytes);
      const local = join(tempDir(), 'index.gz');
      writeFileSync(local, bytes);
      await execa('rclone', ['--config', config, 'copyto', local, `${target()}/records/${id}.index.json.gz`]);
    };
    const removeIndex = async (id: string): Promise<void> => {
      if (!target().startsWith('dav:')) return rmSync(indexFile(id));
      await execa('rclone', ['--config', config, 'deletefile', `${target()}/records/${id}.index.json.gz`]);
    };
    // A fresh core each time: a core keeps the index of a point it has shown.
    const browse = async (id: string): Promise<readonly SourceIndex[]> => {
      const core = createCore({ dataDir: data, host: 'serve', rcloneConfig: config });
      try {
        const r = await core.handlers['restore:browse']({ name: 'M', at: id });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.pointId).toBe(id);
        return r.value.sources;
      } finally {
        await core.close();
      }
    };
    // The index built the old way: by streaming the point's record (the WebDAV server's folder is on this disk).
    const streamed = async (id: string): Promise<SourceIndex[]> => {
      const reader = await openRecords(localRecordStorage(folder()));
      try {
        return await indexFromRecord(reader, reader.byId.get(id)!);
      } finally {
        await reader.close();
      }
    };

    const first = await run();
    expect(existsSync(indexFile(first))).toBe(true);
    // The file itself (written out an artist at a time) holds the record's index: browse below
    // would show the record's answer even if the file could not be read.
    expect(JSON.parse(gunzipSync(readFileSync(indexFile(first))).toString('utf8'))).toEqual({ format: 'reprise-point-index', version: 1, id: first, sources: await streamed(first) });
    const shown = await browse(first);
    expect(shown).toEqual(await streamed(first));
    // Not empty by accident: both sources, artists and albums with covers and tracks.
    const music = (sources: readonly SourceIndex[]): SourceIndex => sources.find((s) => /(^|\/)music$/.test(s.source))!;
    expect(shown.map((s) => s.artists.map((a) => a.name)).sort()).toEqual([['Le Guin'], ['abba', 'Björk', 'Deep', 'Sigur Rós']]);
    const homogenic = music(shown).artists[1]!.albums[1]!;
    expect(homogenic).toMatchObject({ name: 'Homogenic (1997)', tracks: 3, cover: `${music(shown).source}/Björk/Homogenic (1997)/cover.jpg` });
    const base = music(shown).source;
    expect(music(shown).artists[3]).toEqual({
      name: 'Sigur Rós',
      path: `${base}/Sigur Rós`,
      bytes: 2_000,
      albums: [],
      loose: {
        files: 2,
        tracks: 2,
        bytes: 2_000,
        named: [
          { name: '01 Svefn-g-englar.flac', path: `${base}/Sigur Rós/01 Svefn-g-englar.flac`, bytes: 1_200 },
          { name: '02 Hoppípolla.flac', path: `${base}/Sigur Rós/02 Hoppípolla.flac`, bytes: 800 },
        ],
      },
    });
    expect(music(shown).artists[0]!.loose).toMatchObject({ files: 1, tracks: 0, named: [{ name: 'notes.txt' }] });
    // The file right inside the source folder, beside the artists.
    expect(music(shown).loose).toEqual({ files: 1, tracks: 0, bytes: 16, named: [{ name: 'top.txt', path: `${base}/top.txt`, bytes: 16 }] });

    // A second point (a delta on the first for most kinds): its own index, equal to its record's.
    album(src, 'Cher', 'Believe', 2, 'front.png');
    rmSync(join(src, 'Björk', 'Debut (1993)'), { recursive: true });
    const second = await run();
    expect(second).not.toBe(first);
    expect(existsSync(indexFile(second))).toBe(true);
    const shown2 = await browse(second);
    expect(shown2).toEqual(await streamed(second));
    expect(music(shown2).artists.map((a) => a.name)).toEqual(['abba', 'Björk', 'Cher', 'Deep', 'Sigur Rós']);
    expect(music(shown2).artists[1]!.albums.map((a) => a.name)).toEqual(['Homogenic (1997)']);

    // Browse really reads the index: an altered (still valid) one changes what it shows.
    const stored = JSON.parse(gunzipSync(readFileSync(indexFile(second))).toString('utf8')) as { sources: Array<{ source: string; artists: Array<{ name: string }>; loose?: { named: Array<{ name: string }> } }> };
    // The name holds what JSON gives meaning to: the reader splits the artists out of the text as
    // it comes (point-index.ts), and must not be fooled by brackets, quotes or escapes in a string,
    // nor by the source's own files, which nest as deep as the artists.
    const altered = 'ABBA (from the index) {"a": [1]} \\ \\" ]}';
    const storedMusic = stored.sources.find((s) => /(^|\/)music$/.test(s.source))!;
    storedMusic.artists[0]!.name = altered;
    storedMusic.loose!.named[0]!.name = 'top, [from the index] {"b": 2}.txt';
    await putIndex(second, gzipSync(JSON.stringify(stored)));
    const alteredShown = music(await browse(second));
    expect(alteredShown.artists[0]!.name).toBe(altered);
    expect(alteredShown.artists.slice(1)).toEqual(music(shown2).artists.slice(1));
    expect(alteredShown.loose!.named.map((f) => f.name)).toEqual(['top, [from the index] {"b": 2}.txt']);

    // Damaged ways: not gzip, not the format, another point's, other sources, an artist that is not one. Each time the record answers.
    const damaged = [
      Buffer.from('not gzip at all'),
      gzipSync('{"format":"reprise-point-index","version":1,"id":"x"'),
      gzipSync(JSON.stringify({ ...stored, sources: 'none' })),
      gzipSync(JSON.stringify({ ...stored, id: first })),
      gzipSync(JSON.stringify({ ...stored, sources: stored.sources.slice(1) })),
      gzipSync(JSON.stringify({ ...stored, sources: stored.sources.map((s) => ({ ...s, artists: [1, ...s.artists] })) })),
      gzipSync(JSON.stringify(stored).slice(0, 400)),
      // The source's own files not what they are.
      gzipSync(JSON.stringify({ ...stored, sources: stored.sources.map((s) => ({ ...s, loose: { files: 'many' } })) })),
      // One album of one artist not what an album is (its artists are checked one at a time).
      gzipSync(JSON.stringify({ ...stored, sources: stored.sources.map((s, i) => (i === 0 ? { ...s, artists: [...s.artists, { ...s.artists[0]!, albums: [{ name: 'no path, no tracks' }] }] } : s)) })),
    ];
    for (const bytes of damaged) {
      await putIndex(second, bytes);
      expect(await browse(second)).toEqual(shown2);
    }
    // A point made before there were indexes: read from its record.
    await removeIndex(second);
    expect(await browse(second)).toEqual(shown2);

    // Retention keeps one point: the first goes, and its index with it.
    writeFileSync(join(src, 'abba', 'Gold', '9 Bonus.flac'), randomBytes(900));
    const third = await run();
    const kept = (JSON.parse((await cli(['snapshots', 'M', '--json'])).stdout) as Points)[0]!.points.map((p) => p.id);
    expect(kept).toEqual([third]);
    expect(existsSync(indexFile(first)), kind).toBe(false);
    expect(existsSync(indexFile(third))).toBe(true);
    expect(await browse(third)).toEqual(await streamed(third));
  }, 300_000);
});

describe('the picker indexes a core keeps', () => {
  it(`are those of the last ${INDEX_CACHE} points shown: one shown before them is read again`, async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    const snaps = join(tempDir(), 'snaps');
    album(src, 'abba', 'Gold', 2);
    const cli = (args: string[]) => reprise(data, args);
    expect((await cli(['job', 'add', 'K', '--source', src, '--snapshot', snaps, '--keep-last', '10'])).exitCode).toBe(0);
    const ids: string[] = [];
    for (let i = 0; i <= INDEX_CACHE; i++) {
      album(src, `Artist ${i}`, 'One', 1);
      const r = await cli(['run', 'K']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      ids.push((JSON.parse((await cli(['snapshots', 'K', '--json'])).stdout) as Points)[0]!.points[0]!.id);
    }
    expect(new Set(ids).size).toBe(INDEX_CACHE + 1);
    const core = createCore({ dataDir: data, host: 'serve' });
    try {
      const firstArtist = async (id: string): Promise<string> => {
        const r = await core.handlers['restore:browse']({ name: 'K', at: id });
        if (!r.ok) throw new Error(r.error.message);
        return r.value.sources[0]!.artists[0]!.name;
      };
      expect(await firstArtist(ids[0]!)).toBe('abba');
      // The stored index changes under the core (a way to see whether it reads it again).
      const file = join(snaps, 'records', `${ids[0]}.index.json.gz`);
      const stored = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { sources: Array<{ artists: Array<{ name: string }> }> };
      stored.sources[0]!.artists[0]!.name = 'ABBA (read again)';
      writeFileSync(file, gzipSync(JSON.stringify(stored)));
      expect(await firstArtist(ids[0]!)).toBe('abba'); // kept
      for (const id of ids.slice(1)) expect(await firstArtist(id)).toBe('abba');
      expect(await firstArtist(ids[0]!)).toBe('ABBA (read again)'); // let go, read again
    } finally {
      await core.close();
    }
  }, 120_000);
});

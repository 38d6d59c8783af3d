// A point's picker index: what the restore picker shows first (each source as Artist → Album with
// covers, track counts and sizes), stored as records/<id>.index.json.gz beside the record. A run
// builds it from the entries it already walks, so opening a point of a million files reads a small
// file instead of merging the whole record. It is only a shortcut: a point without one (made before
// it existed) or with a damaged one is read from its record, as before.
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { join } from 'node:path';
import { z } from 'zod';
import type { SourceIndex } from '../../../../shared/restore.js';
import { MusicIndexBuilder } from '../../restore/music-index.js';
import { type RecordEntry, binFromText, textOf } from './entry.js';
import type { PointSummary } from './point-summary.js';
import type { RecordStorage } from './record-storage.js';

/** The index file of a point inside records/. */
export const pointIndexName = (id: string): string => `${id}.index.json.gz`;

const FORMAT = 'reprise-point-index';
/** Larger than any index of a real library; a bigger file is not read (the record is). */
const MAX_BYTES = 256 * 1024 * 1024;

const album = z.object({ name: z.string(), path: z.string(), cover: z.string().nullable(), tracks: z.number().int().nonnegative(), bytes: z.number().nonnegative() });
const looseFile = z.object({ name: z.string(), path: z.string(), bytes: z.number().nonnegative() });
const loose = z.object({ files: z.number().int().positive(), tracks: z.number().int().nonnegative(), bytes: z.number().nonnegative(), named: z.array(looseFile) });
// `loose` came later: an index written before it (no loose files counted) is read as it is.
const artist = z.object({ name: z.string(), path: z.string(), bytes: z.number().nonnegative(), albums: z.array(album), loose: loose.optional() });
// The artists are checked one at a time (see readPointIndex): a parse returns a copy, and a copy of
// every artist at once doubled what reading a million-file point's index held (~30 MB more).
// `loose` (the files right inside the source folder) came later still: an index without it is read as it is.
const sourceIndex = z.object({ source: z.string(), layout: z.enum(['music', 'plain']), artists: z.array(z.unknown()), loose: loose.optional() });
const pointIndexSchema = z.object({ format: z.literal(FORMAT), version: z.literal(1), id: z.string(), sources: z.array(sourceIndex) });

/**
 * The index of every source of a point, fed entries in record order: those of the new tree during a
 * run, or those of a stored record when a point has no index file.
 */
export class PointIndexBuilder {
  private readonly sources: Array<{ readonly under: string; readonly cut: number; readonly music: MusicIndexBuilder }>;
  /** `bases`: each source's record path as stored in the summary (text). */
  constructor(bases: readonly string[]) {
    this.sources = bases.map((base) => {
      const bin = binFromText(base);
      return { under: `${bin}/`, cut: bin.length + 1, music: new MusicIndexBuilder(base, textOf) };
    });
  }

  add(e: RecordEntry): void {
    if (e.type === 'l' || e.type === 'o') return;
    for (const s of this.sources) {
      if (!e.path.startsWith(s.under)) continue;
      // Record paths are bytes: the builder decodes names only when the artist or album changes.
      s.music.addPath(e.path, s.cut, e.size, e.type === 'd');
    }
  }

  /** The indexes, in the order of the bases given. */
  finish(): SourceIndex[] {
    return this.sources.map((s) => s.music.finish());
  }

  /** The index file's text, an artist at a time (see MusicIndexBuilder.finishLazily). */
  *text(id: string): Generator<string> {
    yield `{"format":"${FORMAT}","version":1,"id":${JSON.stringify(id)},"sources":[`;
    for (const [i, s] of this.sources.entries()) {
      const index = s.music.finishLazily();
      yield `${i > 0 ? ',' : ''}{"source":${JSON.stringify(index.source)},"layout":"${index.layout}","artists":[`;
      let first = true;
      for (const artist of index.artists) {
        yield `${first ? '' : ','}${JSON.stringify(artist)}`;
        first = false;
      }
      yield index.loose ? `],"loose":${JSON.stringify(index.loose)}}` : ']}';
    }
    yield ']}';
  }
}

/** Texts joined into chunks of ~64 KiB: each chunk is one round through zlib's thread. */
function* inChunks(texts: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const t of texts) {
    chunk += t;
    if (chunk.length >= 65_536) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Writes a point's index into `workDir`, streamed through gzip; the file's path (stored later with storePointIndex). */
export async function writePointIndex(index: PointIndexBuilder, id: string, workDir: string, signal?: AbortSignal): Promise<string> {
  const file = join(workDir, pointIndexName(id));
  await pipeline(Readable.from(inChunks(index.text(id))), createGzip(), createWriteStream(file), ...(signal ? [{ signal }] : []));
  return file;
}

/** Stores the index file writePointIndex wrote. */
export async function storePointIndex(storage: RecordStorage, id: string, file: string, signal?: AbortSignal): Promise<void> {
  await storage.put(file, pointIndexName(id), signal);
}

/**
 * A point's stored index, or null when it has none or it cannot be used (unreadable, damaged, not
 * this point's, other sources): the caller then builds the index from the record.
 */
export async function readPointIndex(storage: RecordStorage, names: readonly string[], summary: PointSummary, signal?: AbortSignal): Promise<SourceIndex[] | null> {
  const name = pointIndexName(summary.id);
  if (!names.includes(name)) return null;
  try {
    const f = await storage.fetch(name, signal);
    let split: { skeleton: unknown; artists: unknown[][] };
    try {
      split = await splitArtists(f.file);
    } finally {
      await f.release();
    }
    const parsed = pointIndexSchema.safeParse(split.skeleton);
    if (!parsed.success || parsed.data.id !== summary.id) return null;
    const sources = parsed.data.sources;
    if (sources.length !== summary.sources.length || sources.some((s, i) => s.source !== summary.sources[i]!.base)) return null;
    if (split.artists.length !== sources.length || sources.some((s) => s.artists.length > 0)) return null;
    return sources.map(({ loose: l, ...s }, i) => ({ ...s, artists: split.artists[i]! as SourceIndex['artists'], ...(l ? { loose: l } : {}) }));
  } catch {
    return null;
  }
}

const [OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, QUOTE, BACKSLASH, COMMA] = ['{', '}', '[', ']', '"', '\\', ','].map((c) => c.charCodeAt(0));
/** Nesting depth inside a source's `artists` array: {"sources":[{"artists":[ … (the only array a source holds). */
const ARTISTS_DEPTH = 4;

/**
 * Reads an index file as gunzip hands it over, parsing and checking each artist on its own (the
 * objects of each source's `artists` array); the rest, with those arrays left empty, is parsed last.
 * A million-file index is ~11 MB of text: held whole, as a Buffer and then as a string beside the
 * objects parsed from it, it made Restore's first list the peak of a process (~22 MB more).
 * Throws for anything that is not an index as written here (the caller then reads the record).
 */
async function splitArtists(file: string): Promise<{ skeleton: unknown; artists: unknown[][] }> {
  const skeleton: Buffer[] = [];
  const artists: unknown[][] = [];
  let piece: Buffer[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let inArtist = false;
  // Inside a source's artists array: a source's other members (its loose files) nest as deep.
  let inArtists = false;
  let total = 0;
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_BYTES) throw new Error('index too large');
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (c === OPEN_ARRAY && depth === ARTISTS_DEPTH - 1) inArtists = true;
        if (c === OPEN_OBJECT && depth === ARTISTS_DEPTH && inArtists && !inArtist) {
          skeleton.push(chunk.subarray(from, i));
          from = i;
          inArtist = true;
        }
        if (c === OPEN_OBJECT && depth === 2) artists.push([]); // a source
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (c === CLOSE_ARRAY && depth === ARTISTS_DEPTH - 1) inArtists = false;
        if (inArtist && depth === ARTISTS_DEPTH) {
          piece.push(chunk.subarray(from, i + 1));
          const a: unknown = JSON.parse(Buffer.concat(piece).toString('utf8'));
          if (!artist.safeParse(a).success) throw new Error('not an artist');
          artists.at(-1)!.push(a);
          piece = [];
          from = i + 1;
          inArtist = false;
        }
      } else if (c === COMMA && depth === ARTISTS_DEPTH && inArtists && !inArtist) {
        skeleton.push(chunk.subarray(from, i));
        from = i + 1;
      }
    }
    (inArtist ? piece : skeleton).push(chunk.subarray(from));
  }
  return { skeleton: JSON.parse(Buffer.concat(skeleton).toString('utf8')), artists };
}

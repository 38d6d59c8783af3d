// A record's entries file: gzip-compressed NDJSON, a header line and then one line per entry in
// path order (see entry.ts). Written and read as streams, so a million-file tree never sits in
// memory as one string.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import { z } from 'zod';
import { type RecordLine, RecordFormatError, comparePaths, decodeLine, encodeLine } from './entry.js';

/** The first line of every entries file. */
export interface RecordHeader {
  readonly format: 'reprise-record';
  readonly version: 1;
  /** The restore point (run) this record describes. */
  readonly id: string;
  /** full: every entry of the tree; delta: what changed since `base` (entries, and deletions). */
  readonly kind: 'full' | 'delta';
  readonly base: string | null;
}

const headerSchema = z
  .object({
    format: z.literal('reprise-record'),
    version: z.literal(1),
    id: z.string().min(1).max(64),
    kind: z.enum(['full', 'delta']),
    base: z.string().min(1).max(64).nullable(),
  })
  .strict();

/** A record being written, line by line in path order (checked). */
export interface RecordWriter {
  /** A promise only when the line filled a chunk that is being handed to the compressor. */
  add(line: RecordLine): void | Promise<void>;
  /** Closes the file; returns how many lines it holds. */
  finish(): Promise<number>;
  /** Gives up (the caller removes the file). */
  abort(): void;
}

/** Starts an entries file with its header. */
export async function createRecordWriter(file: string, header: RecordHeader): Promise<RecordWriter> {
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(file);
  let failure: Error | null = null;
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    gzip.on('error', reject);
  });
  done.catch((e: Error) => {
    failure = e;
  });
  gzip.pipe(out);
  // Lines are gathered into chunks: one zlib write per line costs more than compressing it.
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = async (): Promise<void> => {
    if (failure) throw failure;
    if (pending.length === 0) return;
    const chunk = pending.join('');
    pending = [];
    pendingChars = 0;
    if (!gzip.write(chunk)) await Promise.race([once(gzip, 'drain'), done]);
  };
  const write = (text: string): void | Promise<void> => {
    pending.push(`${text}\n`);
    pendingChars += text.length + 1;
    if (pendingChars >= 256 * 1024) return flush();
  };
  let count = 0;
  let last: string | null = null;
  await write(JSON.stringify(headerSchema.parse(header)));
  return {
    add(line) {
      if (last !== null && comparePaths(last, line.path) >= 0) throw new RecordFormatError(`record lines out of order at ${JSON.stringify(line.path)}`);
      last = line.path;
      count++;
      return write(encodeLine(line));
    },
    async finish() {
      await flush();
      gzip.end();
      await done;
      return count;
    },
    abort() {
      gzip.destroy();
      out.destroy();
    },
  };
}

/** Writes a whole entries file from lines in path order. */
export async function writeRecordFile(file: string, header: RecordHeader, lines: AsyncIterable<RecordLine> | Iterable<RecordLine>): Promise<number> {
  const w = await createRecordWriter(file, header);
  try {
    for await (const line of lines) await w.add(line);
  } catch (e) {
    w.abort();
    throw e;
  }
  return w.finish();
}

/** An opened entries file: its checked header and its lines, checked one by one as they are read. */
export interface OpenRecord {
  readonly header: RecordHeader;
  /** The lines one at a time; use either this or `batches`, not both. */
  readonly lines: AsyncGenerator<RecordLine>;
  /** The lines as they were decompressed, a chunk at a time (one await per chunk, not per line). */
  readonly batches: AsyncGenerator<RecordLine[]>;
  close(): void;
}

/** Opens an entries file. Throws RecordFormatError when it is damaged or not a record. */
export async function openRecordFile(file: string): Promise<OpenRecord> {
  // 64 KiB reads: a point's chain can be dozens of files open at once, each with its read buffer.
  const input = createReadStream(file, { highWaterMark: 64 * 1024 });
  // Chunks of 32 KiB: each is decoded into one batch of lines (~150), kept small for the same reason as WALK_BATCH.
  const gunzip = createGunzip({ chunkSize: 32 * 1024 });
  // A read error ends the decompression with it, so the reader below sees it.
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const chunks = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let ended = false;
  const close = (): void => {
    input.destroy();
    gunzip.destroy();
  };
  /** The next complete lines (without their newline), or null at the end of the file. */
  const nextLines = async (): Promise<string[] | null> => {
    for (;;) {
      if (ended) {
        if (rest === '') return null;
        const last = rest;
        rest = '';
        return [last];
      }
      let r: IteratorResult<Buffer>;
      try {
        r = await chunks.next();
      } catch (e) {
        throw new RecordFormatError(`cannot read ${file}: ${(e as Error).message}`);
      }
      if (r.done) {
        rest += decoder.end();
        ended = true;
        continue;
      }
      const text = rest + decoder.write(r.value);
      const cut = text.lastIndexOf('\n');
      if (cut === -1) {
        rest = text;
        continue;
      }
      rest = text.slice(cut + 1);
      return text.slice(0, cut).split('\n');
    }
  };
  let first: string[] | null;
  try {
    first = await nextLines();
  } catch (e) {
    close();
    throw e;
  }
  if (first === null) {
    close();
    throw new RecordFormatError(`${file} is empty`);
  }
  let header: RecordHeader;
  try {
    header = headerSchema.parse(JSON.parse(first[0]!)) as RecordHeader;
  } catch {
    close();
    throw new RecordFormatError(`${file} does not start with a record header`);
  }
  let pending: string[] | null = first.slice(1);
  async function* batches(): AsyncGenerator<RecordLine[]> {
    let last: string | null = null;
    try {
      for (;;) {
        const texts: string[] | null = pending ?? (await nextLines());
        pending = null;
        if (texts === null) return;
        const out: RecordLine[] = [];
        for (const text of texts) {
          if (text === '') continue;
          const line = decodeLine(text);
          if (last !== null && comparePaths(last, line.path) >= 0) throw new RecordFormatError(`${file}: lines out of order at ${JSON.stringify(text.slice(0, 80))}`);
          last = line.path;
          out.push(line);
        }
        if (out.length > 0) yield out;
      }
    } finally {
      close();
    }
  }
  async function* lines(): AsyncGenerator<RecordLine> {
    for await (const batch of batches()) yield* batch;
  }
  return { header, lines: lines(), batches: batches(), close };
}

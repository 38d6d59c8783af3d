// A record's entries file: gzip-compressed NDJSON, a header line and then one line per entry in
// path order (see entry.ts). Written and read as streams, so a million-file tree never sits in
// memory as one string.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
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
  add(line: RecordLine): Promise<void>;
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
  const write = async (text: string): Promise<void> => {
    pending.push(`${text}\n`);
    pendingChars += text.length + 1;
    if (pendingChars >= 256 * 1024) await flush();
  };
  let count = 0;
  let last: string | null = null;
  await write(JSON.stringify(headerSchema.parse(header)));
  return {
    async add(line) {
      if (last !== null && comparePaths(last, line.path) >= 0) throw new RecordFormatError(`record lines out of order at ${JSON.stringify(line.path)}`);
      last = line.path;
      await write(encodeLine(line));
      count++;
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
  readonly lines: AsyncGenerator<RecordLine>;
  close(): void;
}

/** Opens an entries file. Throws RecordFormatError when it is damaged or not a record. */
export async function openRecordFile(file: string): Promise<OpenRecord> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  let streamError: Error | null = null;
  const fail = (e: Error) => {
    streamError = e;
  };
  input.on('error', fail);
  gunzip.on('error', fail);
  const rl = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  const it = rl[Symbol.asyncIterator]();
  const close = (): void => {
    rl.close();
    input.destroy();
    gunzip.destroy();
  };
  const next = async (): Promise<string | undefined> => {
    try {
      const r = await it.next();
      if (streamError) throw streamError;
      return r.done ? undefined : r.value;
    } catch (e) {
      throw new RecordFormatError(`cannot read ${file}: ${(streamError ?? (e as Error)).message}`);
    }
  };
  const first = await next();
  if (first === undefined) {
    close();
    throw new RecordFormatError(`${file} is empty`);
  }
  let header: RecordHeader;
  try {
    header = headerSchema.parse(JSON.parse(first)) as RecordHeader;
  } catch {
    close();
    throw new RecordFormatError(`${file} does not start with a record header`);
  }
  async function* lines(): AsyncGenerator<RecordLine> {
    let last: string | null = null;
    try {
      for (;;) {
        const text = await next();
        if (text === undefined) return;
        if (text === '') continue;
        const line = decodeLine(text);
        if (last !== null && comparePaths(last, line.path) >= 0) throw new RecordFormatError(`${file}: lines out of order at ${JSON.stringify(text.slice(0, 80))}`);
        last = line.path;
        yield line;
      }
    } finally {
      close();
    }
  }
  return { header, lines: lines(), close };
}

// Lists of names for rsync, rclone and the snapshot's own passes: NUL-separated bytes (names need not
// be UTF-8 and may hold newlines; rclone's --files-from-raw takes them a line each), written and read
// a chunk at a time — a write or a promise per name costs more than the name.
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

const CHUNK = 256 * 1024;

/** Waits for two adds (to different lists), when either asks to wait: most hand back nothing. */
export const both = (a: void | Promise<void>, b: void | Promise<void>): void | Promise<void> => (a && b ? Promise.all([a, b]).then(() => undefined) : (a ?? b));

/**
 * A NUL-separated list being written. Names are copied into the chunk being filled, not kept as
 * objects until it goes out: a snapshot writes three lists as its walk passes a million entries, and
 * a Buffer per name (and the array holding them) lived through young collections into the old
 * generation, ~20 MB of garbage at a time.
 */
export class NulListWriter {
  private readonly stream: WriteStream;
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  /** Set when the stream asked to wait: handed to the caller of the add that filled it. */
  private draining: Promise<void> | null = null;
  /** Why the file could not be written (a full disk): thrown by the next add or close, never left unhandled. */
  private failed: Error | null = null;
  /** `separator`: the byte after each name (NUL; a newline for rclone's --files-from-raw). */
  constructor(
    readonly file: string,
    private readonly separator = 0,
  ) {
    this.stream = createWriteStream(file);
    this.stream.on('error', (e) => {
      this.failed ??= e;
    });
  }
  /**
   * Adds a name: bytes, or a binary string (a record path, one byte a character). A second name
   * makes a pair. A promise only when the file asks to wait: most names cost no await.
   */
  add(name: Buffer | string, second?: Buffer | string): void | Promise<void> {
    if (this.failed) throw this.failed;
    this.put(name);
    if (second !== undefined) this.put(second);
    const wait = this.draining;
    this.draining = null;
    return wait ?? undefined;
  }
  private put(name: Buffer | string): void {
    const n = name.length;
    if (this.used + n + 1 > this.chunk.length) {
      this.send();
      if (n + 1 > this.chunk.length) this.chunk = Buffer.allocUnsafe(n + 1);
    }
    if (typeof name === 'string') this.chunk.write(name, this.used, 'latin1');
    else name.copy(this.chunk, this.used);
    this.used += n;
    this.chunk[this.used++] = this.separator;
  }
  /** Hands the filled part to the stream; the stream keeps it until written, so a new chunk follows. */
  private send(): void {
    if (this.used === 0) return;
    const ok = this.stream.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    if (!ok && !this.draining) this.draining = once(this.stream, 'drain').then(() => undefined);
  }
  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    if (this.failed) throw this.failed;
    this.send();
    const wait = this.draining;
    this.draining = null;
    if (wait) await wait;
    this.stream.end();
    // Rejects with the write error, even one that came before this call.
    await finished(this.stream);
    if (this.failed) throw this.failed;
  }
  /** Settles once the file is open (or could not be opened: add and close then throw why). */
  opened(): Promise<void> {
    if (!this.stream.pending || this.stream.destroyed) return Promise.resolve();
    return new Promise((done) => {
      this.stream.once('ready', done);
      this.stream.once('close', done);
    });
  }
  /** Gives the file up (a run that ended early); settles once it is closed. */
  destroy(): Promise<void> {
    if (this.stream.closed) return Promise.resolve();
    const closed = new Promise<void>((done) => this.stream.once('close', done));
    this.stream.destroy();
    return closed;
  }
}

/**
 * One buffer that a NUL-separated list is read into, chunk after chunk: the names a read completes
 * are handed out and the unfinished one moves to the front for the next read. Joining each chunk
 * to the rest of the last one made a new buffer per chunk instead, outside the heap until the next
 * collection: at a million names, ~17 MB of them were waiting at the end of a snapshot.
 */
export class NulChunks {
  private buf: Buffer;
  private filled = 0;
  constructor(size = CHUNK) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Where the next read goes (grown when one name fills the buffer). */
  space(): { readonly buffer: Buffer; readonly offset: number; readonly length: number } {
    if (this.filled === this.buf.length) {
      const bigger = Buffer.allocUnsafe(2 * this.buf.length);
      this.buf.copy(bigger, 0, 0, this.filled);
      this.buf = bigger;
    }
    return { buffer: this.buf, offset: this.filled, length: this.buf.length - this.filled };
  }
  /** Takes `n` bytes just read into space(): the names they complete, made by `make`. */
  take<T>(n: number, make: (buf: Buffer, start: number, end: number) => T): T[] {
    this.filled += n;
    const view = this.buf.subarray(0, this.filled);
    const out: T[] = [];
    let start = 0;
    for (let at = view.indexOf(0, start); at !== -1; at = view.indexOf(0, start)) {
      out.push(make(this.buf, start, at));
      start = at + 1;
    }
    this.buf.copyWithin(0, start, this.filled);
    this.filled -= start;
    return out;
  }
  /** The last name when the list does not end with a NUL. */
  rest<T>(make: (buf: Buffer, start: number, end: number) => T): T | undefined {
    return this.filled > 0 ? make(this.buf, 0, this.filled) : undefined;
  }
}

const copyOf = (buf: Buffer, start: number, end: number): Buffer => Buffer.from(buf.subarray(start, end));

/** Reads a NUL-separated list of names, a chunk at a time. */
export async function* readNulList(file: string): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    const chunks = new NulChunks();
    for (;;) {
      const into = chunks.space();
      const { bytesRead } = await fh.read(into.buffer, into.offset, into.length, null);
      if (bytesRead === 0) break;
      yield* chunks.take(bytesRead, copyOf);
    }
    const last = chunks.rest(copyOf);
    if (last !== undefined) yield last;
  } finally {
    await fh.close();
  }
}

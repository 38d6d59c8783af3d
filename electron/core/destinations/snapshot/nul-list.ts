// Lists of names for rsync and for the snapshot's own passes: NUL-separated bytes (names need not be
// UTF-8 and may hold newlines), written and read a chunk at a time — a write or a promise per name
// costs more than the name.
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

const NUL = Buffer.from([0]);
const CHUNK = 256 * 1024;

/** A NUL-separated list being written. */
export class NulListWriter {
  private readonly stream: WriteStream;
  private pending: Buffer[] = [];
  private bytes = 0;
  /** Why the file could not be written (a full disk): thrown by the next add or close, never left unhandled. */
  private failed: Error | null = null;
  constructor(readonly file: string) {
    this.stream = createWriteStream(file);
    this.stream.on('error', (e) => {
      this.failed ??= e;
    });
  }
  /** A promise only when a chunk goes out: most names cost no await. A second name (a pair) goes in the same chunk. */
  add(name: Buffer, second?: Buffer): void | Promise<void> {
    if (this.failed) throw this.failed;
    this.pending.push(name, NUL);
    this.bytes += name.length + 1;
    if (second) {
      this.pending.push(second, NUL);
      this.bytes += second.length + 1;
    }
    if (this.bytes >= CHUNK) return this.flush();
  }
  private async flush(): Promise<void> {
    if (this.failed) throw this.failed;
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.bytes = 0;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }
  /** Writes what is pending and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    // Rejects with the write error, even one that came before this call.
    await finished(this.stream);
    if (this.failed) throw this.failed;
  }
  /** Gives the file up (a run that ended early). */
  destroy(): void {
    this.stream.destroy();
  }
}

/** Reads a NUL-separated list of names, a chunk at a time. */
export async function* readNulList(file: string): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    let rest = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      let chunk = Buffer.concat([rest, buf.subarray(0, bytesRead)]);
      let at = chunk.indexOf(0);
      while (at !== -1) {
        yield Buffer.from(chunk.subarray(0, at));
        chunk = chunk.subarray(at + 1);
        at = chunk.indexOf(0);
      }
      rest = Buffer.from(chunk);
    }
    if (rest.length > 0) yield rest;
  } finally {
    await fh.close();
  }
}

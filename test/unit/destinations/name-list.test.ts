// The snapshot's name lists: NUL-separated bytes read back exactly, and a file that cannot be
// written (a full disk, a folder gone) is an error of the run, never an unhandled 'error' event that
// takes the whole process down (a 300k-file benchmark on a full tmpfs did exactly that).
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NulChunks, NulListWriter, readNulList } from '../../../electron/core/destinations/name-list.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('NUL-separated name lists', () => {
  it('read back byte for byte, over many chunks', async () => {
    const file = join(tempDir(), 'list');
    const w = new NulListWriter(file);
    const names = Array.from({ length: 30_000 }, (_, i) => Buffer.concat([Buffer.from(`Artist ${i % 97}/caf`), Buffer.from([0xe9, 0x0a]), Buffer.from(` ${i}.flac`)]));
    for (const n of names) {
      const p = w.add(n);
      if (p) await p;
    }
    await w.close();
    const back: Buffer[] = [];
    for await (const n of readNulList(file)) back.push(n);
    expect(back).toEqual(names);
  });

  it('takes binary strings (record paths) and pairs as the same bytes, and a name larger than a chunk', async () => {
    const file = join(tempDir(), 'list');
    const w = new NulListWriter(file);
    const want: Buffer[] = [];
    for (let i = 0; i < 20_000; i++) {
      const name = Buffer.concat([Buffer.from(`Album ${i}/`), Buffer.from([0xff, 0xe9, 0x0a])]);
      // Every third a pair of a binary string and a time; the others a Buffer or a binary string alone.
      const p = i % 3 === 0 ? w.add(name.toString('latin1'), `${i}123456789`) : w.add(i % 3 === 1 ? name : name.toString('latin1'));
      want.push(name);
      if (i % 3 === 0) want.push(Buffer.from(`${i}123456789`));
      if (i === 10_000) {
        const huge = Buffer.alloc(300 * 1024, 0x61);
        const q = w.add(huge);
        want.push(huge);
        if (q) await q;
      }
      if (p) await p;
    }
    await w.close();
    const back: Buffer[] = [];
    for await (const n of readNulList(file)) back.push(n);
    expect(back.length).toBe(want.length);
    expect(back).toEqual(want);
  });

  it('splits reads of any size into the names, one buffer reused, the last name without its NUL too', () => {
    const names = ['a', '', 'Artist/Album/01 Track.flac', 'bc', 'x'.repeat(40), 'last'];
    const bytes = Buffer.from(names.join('\0'));
    for (const step of [1, 3, 7, 64]) {
      const chunks = new NulChunks(4);
      const got: string[] = [];
      let at = 0;
      while (at < bytes.length) {
        const into = chunks.space();
        const n = Math.min(step, into.length, bytes.length - at);
        bytes.copy(into.buffer, into.offset, at, at + n);
        at += n;
        got.push(...chunks.take(n, (b, s, e) => b.toString('latin1', s, e)));
      }
      const last = chunks.rest((b, s, e) => b.toString('latin1', s, e));
      if (last !== undefined) got.push(last);
      expect(got, `reads of ${step} bytes`).toEqual(names);
    }
  });

  it('turns a write that fails into a rejection of close (or of the next add)', async () => {
    const w = new NulListWriter(join(tempDir(), 'no such folder', 'list'));
    let failed: unknown = null;
    try {
      for (let i = 0; i < 20_000; i++) {
        const p = w.add(Buffer.from(`name ${i}`));
        if (p) await p;
      }
      // The open fails and the stream closes with nobody waiting on it: the moment that crashed the
      // process. Only 'close' is listened to here, so the writer's own handler is all that catches the error.
      const stream = (w as unknown as { stream: WriteStream }).stream;
      await new Promise<void>((r) => stream.once('close', () => r()));
      await w.close();
    } catch (e) {
      failed = e;
    }
    expect((failed as NodeJS.ErrnoException)?.code).toBe('ENOENT');
  });
});

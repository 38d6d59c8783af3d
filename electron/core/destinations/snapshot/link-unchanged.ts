// A snapshot after a small change: the files the comparison with the base point found unchanged are
// hard-linked from the base snapshot by Reprise, and rsync gets only the folders (for their
// attributes) and what changed. `rsync --link-dest` over the whole tree costs more than the copy of
// a few changed files by far: it compares every file with the earlier snapshot again (measured at
// 100k files: 13.8 s for the raw tool, where the walk had already found the 1 % that changed).
import { linkSync, mkdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

const NUL = 0;
const SLASH = Buffer.from('/');

/** Reads a NUL-separated list of names (bytes), a chunk at a time. */
async function* namesOf(file: string): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    let rest = Buffer.alloc(0);
    const buf = Buffer.allocUnsafe(256 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      let chunk = Buffer.concat([rest, buf.subarray(0, bytesRead)]);
      let at = chunk.indexOf(NUL);
      while (at !== -1) {
        yield Buffer.from(chunk.subarray(0, at));
        chunk = chunk.subarray(at + 1);
        at = chunk.indexOf(NUL);
      }
      rest = Buffer.from(chunk);
    }
    if (rest.length > 0) yield rest;
  } finally {
    await fh.close();
  }
}

export interface LinkUnchangedOptions {
  /** The source's folder in the base snapshot and in the staging tree (bytes). */
  readonly from: Buffer;
  readonly into: Buffer;
  /** Every path of the source the record lists, relative, NUL-separated, in record order ('.' for the source itself). */
  readonly list: string;
  /** The plain files that may be linked (a subset of `list`, same order): unchanged as far as the walk knew then. */
  readonly candidates: string;
  /** Whether a candidate must go to rsync after all (changed, or in a hard-link group rsync must keep together). */
  readonly toRsync: (rel: Buffer) => boolean;
  /** Where to write rsync's list: every path of `list` that was not linked. */
  readonly out: string;
  readonly signal?: AbortSignal;
}

/** Links the unchanged files and writes what rsync must still copy; returns how many were linked. */
export async function linkUnchanged(o: LinkUnchangedOptions): Promise<{ linked: number; toRsync: number }> {
  let count = 0;
  // Candidates are linked in order; the ones linked are remembered as a run of names to leave out
  // of rsync's list below (both lists are in record order, so one pass over each suffices).
  const done = await open(`${o.out}.linked`, 'w');
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const rel of namesOf(o.candidates)) {
      if (count % 512 === 0) o.signal?.throwIfAborted();
      if (o.toRsync(rel)) continue;
      const target = Buffer.concat([o.into, SLASH, rel]);
      const source = Buffer.concat([o.from, SLASH, rel]);
      if (!linkOne(source, target)) continue;
      count++;
      pending.push(rel, Buffer.from([NUL]));
      pendingBytes += rel.length + 1;
      if (pendingBytes >= 256 * 1024) {
        await done.write(Buffer.concat(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    if (pending.length > 0) await done.write(Buffer.concat(pending));
  } finally {
    await done.close();
  }
  // rsync's list: the source's paths, less those linked.
  const out = await open(o.out, 'w');
  let toRsync = 0;
  try {
    const gone = namesOf(`${o.out}.linked`);
    let next = await gone.next();
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for await (const rel of namesOf(o.list)) {
      if (!next.done && next.value.equals(rel)) {
        next = await gone.next();
        continue;
      }
      toRsync++;
      chunk.push(rel, Buffer.from([NUL]));
      chunkBytes += rel.length + 1;
      if (chunkBytes >= 256 * 1024) {
        await out.write(Buffer.concat(chunk));
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length > 0) await out.write(Buffer.concat(chunk));
    if (!next.done) throw new Error('the linked files are not all in the list of the source (the lists are out of order)');
  } finally {
    await out.close();
  }
  return { linked: count, toRsync };
}

/** One hard link; its folder is made first when needed. False when it cannot be linked (rsync copies it then). */
function linkOne(source: Buffer, target: Buffer): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return false;
  }
  // Either the base snapshot lacks the file (rsync copies it) or the staging folder is not there yet.
  try {
    mkdirSync(Buffer.from(dirname(target.toString('latin1')), 'latin1'), { recursive: true });
    linkSync(source, target);
    return true;
  } catch {
    return false;
  }
}

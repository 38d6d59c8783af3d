// A snapshot after a small change: the files the comparison with the base point found unchanged are
// hard-linked from the base snapshot by Reprise, and rsync gets only the folders (for their
// attributes) and what changed. `rsync --link-dest` over the whole tree costs more than the copy of
// a few changed files by far: it compares every file with the earlier snapshot again (measured at
// 100k files: 13.8 s for the raw tool, where the walk had already found the 1 % that changed).
import { linkSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { NulListWriter, readNulList } from '../name-list.js';

const SLASH = Buffer.from('/');

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

/** Links the unchanged files and writes what rsync must still copy; returns how many went each way. */
export async function linkUnchanged(o: LinkUnchangedOptions): Promise<{ linked: number; toRsync: number }> {
  // The linked names are written down in order, then left out of rsync's list in one pass over
  // each (both lists are in record order): no set of a million names in memory.
  const linkedFile = `${o.out}.linked`;
  const linked = new NulListWriter(linkedFile);
  let count = 0;
  try {
    for await (const rel of readNulList(o.candidates)) {
      if (count % 512 === 0) o.signal?.throwIfAborted();
      if (o.toRsync(rel) || !linkOne(Buffer.concat([o.from, SLASH, rel]), Buffer.concat([o.into, SLASH, rel]))) continue;
      count++;
      const p = linked.add(rel);
      if (p) await p;
    }
    await linked.close();
  } catch (e) {
    await linked.destroy();
    throw e;
  }
  const out = new NulListWriter(o.out);
  let toRsync = 0;
  try {
    const gone = readNulList(linkedFile);
    let next = await gone.next();
    for await (const rel of readNulList(o.list)) {
      if (!next.done && next.value.equals(rel)) {
        next = await gone.next();
        continue;
      }
      toRsync++;
      const p = out.add(rel);
      if (p) await p;
    }
    if (!next.done) throw new Error('the linked files are not all in the list of the source (the lists are out of order)');
    await out.close();
  } catch (e) {
    await out.destroy();
    throw e;
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

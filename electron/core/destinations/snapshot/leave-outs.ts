// What rsync must leave out so that a recursive copy of a source holds what the walk recorded: every
// name a folder held that the record does not list under it (an exclude of the job, a database copied
// apart or its -wal/-shm/-journal files, whatever else the walk skipped or did not see). Found by
// listing each folder again right after the walk has passed it, against the names the walk recorded
// there — so any reason the walk has to skip a name is covered without repeating it here. The names
// are the walk's own listing (WalkedEntry.listed): listing each folder again cost 1.4 s of a 9 s walk
// over 300k files, and a name that appears after the walk is rsync's to copy and the trim's to remove
// (staging-trim.ts) either way.
import { bytesOf } from '../record/entry.js';

/**
 * Past this many leave-outs a source is copied from the list of its files instead (--files-from).
 * rsync tests every file against every rule: measured (rsync 3.5.0, 100k files) 2.9 s of CPU with
 * no rule, 7.9 s with 5,000 anchored literal rules, 45 s with 50,000; --files-from costs about
 * 3.7× the plain copy, so the break-even lies near 8,000 rules. 1,000 keeps a recursive copy within
 * about a third of its own time at worst.
 */
export const LEAVE_OUT_LIMIT = 1000;

const NUL = Buffer.from([0]);
const RULE = Buffer.from('- /');

interface Folder {
  /** Path relative to the source ('' for the source itself), binary string. */
  readonly rel: string;
  /** The names the walk listed in it (none: it could not be listed). */
  readonly listed: readonly Buffer[];
  /** Names the record lists in this folder that rsync is to copy (binary strings). */
  readonly kept: Set<string>;
}

/** Rules for one source, fed the walk's entries of that source in record order. */
export class LeaveOuts {
  private readonly stack: Folder[] = [];
  private readonly rules: Buffer[] = [];
  private readonly topLevel: Buffer[] = [];
  private count = 0;

  /**
   * One recorded entry. `copied` is false for what is in the record but not copied by rsync
   * (a database): it is left out like a name the walk skipped. `listed`: a folder's names as the
   * walk listed them.
   */
  entry(rel: string, isDir: boolean, copied: boolean, listed: readonly Buffer[] = []): void {
    if (rel === '') {
      this.finishAll();
      if (isDir) this.stack.push({ rel, listed, kept: new Set() });
      return;
    }
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : rel.slice(0, slash);
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.rel !== parent) this.finish(this.stack.pop()!);
    const folder = this.stack[this.stack.length - 1];
    if (!folder) return; // not under a folder being followed (cannot happen in record order)
    if (copied) folder.kept.add(rel.slice(slash + 1));
    if (isDir) this.stack.push({ rel, listed, kept: new Set() });
  }

  /** Ends the source: its remaining folders are listed. */
  finishAll(): void {
    while (this.stack.length > 0) this.finish(this.stack.pop()!);
  }

  /** How many paths are left out, and so whether rules are worth it (see LEAVE_OUT_LIMIT). */
  get size(): number {
    return this.count;
  }

  /** The --exclude-from file (--from0) for a recursive copy: every left-out path, anchored. */
  recursiveRules(): Buffer {
    return Buffer.concat(this.rules);
  }

  /** The rules for a copy by --files-from: only the source's own top level needs them (see there). */
  topLevelRules(): Buffer {
    return Buffer.concat(this.topLevel);
  }

  private finish(f: Folder): void {
    // A folder the walk could not list lists nothing: rsync finds the same and says so.
    for (const n of f.listed) {
      const name = n.toString('latin1');
      if (f.kept.has(name)) continue;
      const rel = f.rel === '' ? n : Buffer.concat([bytesOf(f.rel), Buffer.from('/'), n]);
      const rule = Buffer.concat([RULE, rsyncLiteral(rel), NUL]);
      this.count++;
      if (f.rel === '') this.topLevel.push(rule);
      // Past the limit the rules are not used: only the count and the top level still matter.
      if (this.count <= LEAVE_OUT_LIMIT) this.rules.push(rule);
    }
  }
}

/** A path as an rsync filter pattern that matches only itself: wildcards escaped (rsync reads a
 * backslash as an escape only in a pattern that has a wildcard). Bytes in, bytes out. */
export function rsyncLiteral(name: Buffer): Buffer {
  const text = name.toString('latin1');
  return /[*?[]/.test(text) ? Buffer.from(text.replace(/[\\*?[]/g, (c) => `\\${c}`), 'latin1') : name;
}

// After a snapshot, a sample of the files that did not change since the previous snapshot is
// checked to really be hard links to it (same inode). Some rsync builds of 2025–2026 broke
// --link-dest silently (RsyncProject/rsync#915, #1037): every snapshot was then a full copy, and
// nobody noticed until the disk filled. A sample of SAMPLE files costs a few hundred lstat calls.
import { lstat } from 'node:fs/promises';
import { bytesOf, textOf } from '../record/entry.js';

const SAMPLE = 200;

export interface LinkCheckResult {
  readonly checked: number;
  /** Unchanged files that are copies, not links (record paths as text). */
  readonly copies: readonly string[];
}

/** Picks unchanged files as the walk streams past (every k-th file), then checks them. */
export class LinkSample {
  private readonly every: number;
  private seen = 0;
  private readonly picked = new Set<string>();

  /** `baseFiles`: files in the previous snapshot, to spread the sample over the whole tree. */
  constructor(baseFiles: number) {
    this.every = Math.max(1, Math.floor(baseFiles / SAMPLE));
  }

  /** A file of the new tree (record path); called for every file, before `changed`. */
  offer(path: string): void {
    if (this.seen++ % this.every === 0 && this.picked.size < SAMPLE * 2) this.picked.add(path);
  }

  /** A path that is not the same as in the previous snapshot: not part of the sample. */
  changed(path: string): void {
    this.picked.delete(path);
  }

  /** Compares inodes of the sampled files in the new tree and the previous one. */
  async check(newRoot: string, previousRoot: string): Promise<LinkCheckResult> {
    const copies: string[] = [];
    let checked = 0;
    for (const path of this.picked) {
      const rel = bytesOf(path);
      const [a, b] = await Promise.all([lstat(Buffer.concat([Buffer.from(`${newRoot}/`), rel])).catch(() => null), lstat(Buffer.concat([Buffer.from(`${previousRoot}/`), rel])).catch(() => null)]);
      // A file gone from either tree meanwhile proves nothing either way.
      if (!a || !b || !a.isFile() || !b.isFile()) continue;
      checked++;
      if (a.dev !== b.dev || a.ino !== b.ino) copies.push(textOf(path));
    }
    return { checked, copies };
  }
}

/** The warning for copies found where links were expected, or null. */
export function linkWarning(r: LinkCheckResult, previousId: string): string | null {
  if (r.copies.length === 0) return null;
  return `${r.copies.length} of ${r.checked} unchanged files checked are full copies, not hard links to snapshot ${previousId} (for example ${r.copies[0]}): rsync's --link-dest did not link them, so this snapshot takes the space of a full copy. Some rsync releases of 2025–2026 have this bug; update rsync.`;
}

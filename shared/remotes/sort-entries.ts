// Sorting of folder listings: folders first, then by the chosen column.
import type { BrowseEntry } from './types.js';

export type SortKey = 'name' | 'size' | 'modTime';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

// A sorted copy of the entries; folders always come first.
export function sortEntries(entries: readonly BrowseEntry[], key: SortKey, desc: boolean): BrowseEntry[] {
  const dir = desc ? -1 : 1;
  return [...entries].sort((a, b) => {
    if (a.isDir !== b.isDir) return a.isDir ? -1 : 1;
    let c = 0;
    if (key === 'size') c = a.size - b.size;
    else if (key === 'modTime') c = a.modTime < b.modTime ? -1 : a.modTime > b.modTime ? 1 : 0;
    if (c === 0) c = collator.compare(a.name, b.name);
    return c * dir;
  });
}

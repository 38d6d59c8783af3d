// The preview of a restore: what would be created, overwritten or skipped. Parsed from rsync's
// itemized dry-run lines (`--out-format=%i|%l|%n`), so the preview is exactly what rsync will do.

/** The policy for files that already exist in the target folder with other content. */
export type ConflictPolicy = 'skip' | 'overwrite' | 'keep-both';

/** One file (or link) in a restore preview. */
export interface RestorePlanItem {
  readonly action: 'create' | 'overwrite' | 'skip';
  readonly kind: 'file' | 'link';
  /** Path relative to the restored item. */
  readonly path: string;
  readonly size: number;
}

/** A restore preview with its totals. */
export interface RestorePlan {
  readonly items: readonly RestorePlanItem[];
  readonly createFiles: number;
  readonly overwriteFiles: number;
  readonly skipFiles: number;
  readonly bytes: number;
}

/** Turns itemized dry-run lines into a plan under the given conflict policy. */
export function planFromItemized(lines: readonly string[], policy: ConflictPolicy): RestorePlan {
  const items: RestorePlanItem[] = [];
  for (const line of lines) {
    const m = /^([<>ch.*][fdLDS][^|]*)\|(\d+)\|(.*)$/.exec(line);
    if (!m) continue;
    const [, code, size, path] = m;
    const type = code![1];
    if (type !== 'f' && type !== 'L') continue;
    const isNew = code!.slice(2).startsWith('+');
    const action: RestorePlanItem['action'] = isNew ? 'create' : policy === 'overwrite' ? 'overwrite' : 'skip';
    items.push({ action, kind: type === 'f' ? 'file' : 'link', path: path!, size: Number(size) });
  }
  const count = (a: RestorePlanItem['action']): number => items.filter((i) => i.action === a).length;
  return {
    items,
    createFiles: count('create'),
    overwriteFiles: count('overwrite'),
    skipFiles: count('skip'),
    bytes: items.filter((i) => i.action !== 'skip').reduce((n, i) => n + i.size, 0),
  };
}

/** Name for a restored item under "keep both": `The Wall (1979) (restored 2026-11-22 1104)`. */
export function keepBothName(name: string, at: Date, taken: (candidate: string) => boolean): string {
  const iso = at.toISOString();
  const stamp = `${iso.slice(0, 10)} ${iso.slice(11, 13)}${iso.slice(14, 16)}`;
  const dot = name.lastIndexOf('.');
  // Files keep their extension last so they still open in the right program.
  const [stem, ext] = dot > 0 && name.length - dot <= 6 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let i = 1; ; i++) {
    const candidate = `${stem} (restored ${stamp}${i > 1 ? ` ${i}` : ''})${ext}`;
    if (!taken(candidate)) return candidate;
  }
}

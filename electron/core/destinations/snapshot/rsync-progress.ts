// Pure parsing of rsync `--info=progress2` output. rsync redraws its progress line with carriage
// returns and ends it with a newline, so the stream is split on both and each piece parsed alone.

/** One progress2 sample: the whole transfer so far, not a single file. */
export interface RsyncProgress {
  readonly bytes: number;
  readonly percent: number;
  /** Bytes per second; rsync prints kB/MB/GB/TB with 1024-based units. */
  readonly speed: number;
  /** Seconds rsync expects the rest to take (or the elapsed time on the final line). */
  readonly etaSeconds: number;
  /** Files transferred so far (`xfr#N`), when the line carries it. */
  readonly transfers?: number;
  /** Files still to check and the total known so far (`to-chk=R/T` or `ir-chk=R/T`). */
  readonly toCheck?: number;
  readonly totalFiles?: number;
  /** `ir-chk` means the file list is still growing (incremental recursion), so totals are partial. */
  readonly totalsFinal?: boolean;
}

const LINE =
  /^\s*([\d,.]+)\s+(\d{1,3})%\s+([\d.]+)([kMGTP]?B)\/s\s+(\d+):(\d{2}):(\d{2})(?:\s+\(xfr#(\d+),\s*(to|ir)-chk=(\d+)\/(\d+)\))?\s*$/;

const UNIT: Record<string, number> = {
  B: 1,
  kB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
};

/** Parses one redraw of the progress2 line; anything else (stats, warnings) yields undefined. */
export function parseRsyncProgressLine(line: string): RsyncProgress | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, bytesText, pct, speedText, unit, h, min, s, xfr, kind, rem, total] = m;
  const bytes = Number(bytesText!.replace(/[,.]/g, ''));
  const speed = Math.round(Number(speedText) * (UNIT[unit!] ?? 1));
  const base = {
    bytes,
    percent: Number(pct),
    speed,
    etaSeconds: Number(h) * 3600 + Number(min) * 60 + Number(s),
  };
  if (xfr === undefined) return base;
  return {
    ...base,
    transfers: Number(xfr),
    toCheck: Number(rem),
    totalFiles: Number(total),
    totalsFinal: kind === 'to',
  };
}

/** A redraw of the progress2 line, told apart without parsing it: it starts with a space or a digit and shows a percentage. */
export function looksLikeProgress(line: string): boolean {
  const c = line.charCodeAt(0);
  return (c === 32 || (c >= 48 && c <= 57)) && line.includes('%');
}

/**
 * rsync redraws its progress line after every file it copies: 300k lines in a first snapshot of
 * 300k files, all read in bursts every 200 ms (log-tail.ts). Parsing and passing on each one cost
 * Reprise CPU that rsync wanted on two cores; a sampler parses the newest redraw at most every
 * `intervalMs` (the run shows progress at 10 updates a second anyway) and the last one at flush().
 * `line` says whether the line was a redraw (taken, even if not yet shown), so the caller keeps
 * the others (stats, sums).
 */
export function progressSampler(onSample: (p: RsyncProgress) => void, intervalMs = 100, now: () => number = () => performance.now()): { line(line: string): boolean; flush(): void } {
  let last = -Infinity;
  let pending: string | null = null;
  const show = (l: string): boolean => {
    const p = parseRsyncProgressLine(l);
    if (!p) return false;
    pending = null;
    last = now();
    onSample(p);
    return true;
  };
  return {
    line(l) {
      if (!looksLikeProgress(l)) return false;
      if (now() - last < intervalMs) {
        pending = l;
        return true;
      }
      return show(l);
    },
    flush() {
      if (pending !== null) show(pending);
    },
  };
}

/**
 * The whole transfer's size as far as a sample tells: bytes over percent. At 0 % it is not known
 * yet (0), never the bytes so far, which would read "32 KB of 32 KB" next to "0 %".
 */
export function rsyncTotalBytes(p: Pick<RsyncProgress, 'bytes' | 'percent'>): number {
  return p.percent > 0 ? Math.round(p.bytes / Math.min(1, p.percent / 100)) : 0;
}

/**
 * The time left as a sample tells, or null when it does not: rsync prints 0:00:00 before it knows
 * (0 %), and the time taken so far, not what is left, once it is done (100 %). Either shown as an
 * ETA read "ETA 0 s" at the start and "ETA 7 s" when finished.
 */
export function rsyncEta(p: Pick<RsyncProgress, 'percent' | 'etaSeconds'>): number | null {
  return p.percent > 0 && p.percent < 100 ? p.etaSeconds : null;
}

/** Totals printed by `rsync --stats` at the end of a run. */
export interface RsyncStats {
  readonly files?: number;
  readonly regularFiles?: number;
  readonly createdFiles?: number;
  readonly deletedFiles?: number;
  readonly transferredFiles?: number;
  readonly totalFileSize?: number;
  readonly transferredFileSize?: number;
}

const STAT_LINES: ReadonlyArray<readonly [RegExp, keyof RsyncStats]> = [
  [/^Number of files: ([\d,]+)/, 'files'],
  [/^Number of files: [\d,]+ \(reg: ([\d,]+)/, 'regularFiles'],
  [/^Number of created files: ([\d,]+)/, 'createdFiles'],
  [/^Number of deleted files: ([\d,]+)/, 'deletedFiles'],
  [/^Number of regular files transferred: ([\d,]+)/, 'transferredFiles'],
  [/^Total file size: ([\d,]+) bytes/, 'totalFileSize'],
  [/^Total transferred file size: ([\d,]+) bytes/, 'transferredFileSize'],
];

/** Reads the `--stats` block; fields rsync did not print stay undefined. */
export function parseRsyncStats(lines: readonly string[]): RsyncStats {
  const out: Record<string, number> = {};
  for (const line of lines) {
    for (const [re, key] of STAT_LINES) {
      const m = re.exec(line.trim());
      if (m) out[key] = Number(m[1]!.replace(/,/g, ''));
    }
  }
  return out as RsyncStats;
}

// The summaries of a remote destination's records, kept in the data folder between runs. Every run
// (and every Restore, verify or list of points) reads the records index; on a remote that was a
// download of every summary each time, one request per point: a mirror with a year of daily points
// paid ~365 GETs per run, and on Google Drive each is slow. A summary on a remote is written once
// under its name (a point's final summary, an intent, both never rewritten), so a copy of its text
// read or written earlier stands as long as the listing still shows that name with that size; what
// is new or differs is downloaded, and names the listing no longer shows are forgotten.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** One summary as kept: its text and its size in bytes (what a listing shows). */
export interface CachedSummary {
  readonly size: number;
  readonly text: string;
}

/** The kept summaries of one remote records folder. */
export interface SummaryCache {
  /** What was kept, by name (empty when nothing was, or the file cannot be read). */
  load(): Promise<Map<string, CachedSummary>>;
  /** Keeps exactly these (a failure to write only costs downloads later, so it is not thrown). */
  save(entries: ReadonlyMap<string, CachedSummary>): Promise<void>;
}

const FORMAT = 'reprise-summary-cache';
const fileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(1),
  where: z.string(),
  summaries: z.record(z.string(), z.object({ size: z.number().int().nonnegative(), text: z.string() })),
});

/**
 * The cache of the records folder `where` (a `REMOTE:PATH` target) as reached through rclone config
 * `configFile` (a remote's name means another place in another config), in folder `dir`.
 */
export function summaryCacheIn(dir: string, configFile: string | null, where: string): SummaryCache {
  const key = createHash('sha256').update(`${configFile ?? ''}\0${where}`).digest('hex').slice(0, 32);
  const file = join(dir, `${key}.json`);
  return {
    async load() {
      try {
        const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
        if (!parsed.success || parsed.data.where !== where) return new Map();
        return new Map(Object.entries(parsed.data.summaries));
      } catch {
        return new Map();
      }
    },
    async save(entries) {
      const body = { format: FORMAT, version: 1, where, summaries: Object.fromEntries(entries) };
      const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        // Another process may save the same folder's cache at once: each writes whole, the last stays.
        await writeFile(temp, JSON.stringify(body), { mode: 0o600 });
        await rename(temp, file);
      } catch {
        await rm(temp, { force: true }).catch(() => undefined);
      }
    },
  };
}

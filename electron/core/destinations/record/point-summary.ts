// The summary of a restore point, stored as records/<id>.json beside its entries file. A run writes
// it twice: as records/<id>.intent.json before anything moves (state "intent"), and as
// records/<id>.json when the run has ended (state "final"), which is what makes the run a point.
import { z } from 'zod';

/** How a finished run's point turned out: ok, warning (files changed or vanished while read), partial (some content is lacking). */
export type PointOutcome = 'ok' | 'warning' | 'partial';

const counts = z.object({ files: z.number().int().nonnegative(), dirs: z.number().int().nonnegative(), links: z.number().int().nonnegative(), others: z.number().int().nonnegative(), bytes: z.number().nonnegative() });
const changes = z.object({ added: z.number().int().nonnegative(), changed: z.number().int().nonnegative(), deleted: z.number().int().nonnegative(), bytes: z.number().nonnegative() });

export const pointSummarySchema = z
  .object({
    format: z.literal('reprise-point'),
    version: z.literal(1),
    id: z.string().min(1).max(64),
    state: z.enum(['intent', 'final']),
    destination: z.enum(['snapshot', 'mirror']),
    job: z.object({ id: z.string().max(200), name: z.string().max(500) }),
    sources: z.array(z.object({ base: z.string().min(1).max(4096), path: z.string().max(4096) })).max(1000),
    startedAt: z.string().max(40),
    finishedAt: z.string().max(40).nullable(),
    outcome: z.enum(['ok', 'warning', 'partial']).nullable(),
    /** The entries file and what it is relative to. */
    record: z
      .object({
        file: z.string().min(1).max(200),
        kind: z.enum(['full', 'delta']),
        base: z.string().min(1).max(64).nullable(),
        /** Deltas since the last full record, this one included (0 for a full one). */
        depth: z.number().int().nonnegative(),
        lines: z.number().int().nonnegative(),
      }),
    totals: counts,
    changes,
    /** Entries whose content this point does not hold (how many, and the first ones in words). */
    lacking: z.object({ count: z.number().int().nonnegative(), sample: z.array(z.string().max(5000)).max(100) }),
    /** What the run moved; `requests`: rclone's count of checks, transfers, deletions and moves against the remote (mirrors). */
    transferred: z.object({ files: z.number().int().nonnegative(), bytes: z.number().nonnegative(), requests: z.number().int().nonnegative().optional() }),
    /** Mirrors: `top-up` sent only what the record said changed; `full` (or missing, before top-ups) listed and synced everything. */
    sync: z.enum(['full', 'top-up']).optional(),
    warnings: z.array(z.string().max(5000)).max(100),
    /** Earlier runs this run found interrupted (an intent without a final summary). */
    interrupted: z.array(z.string().max(64)).max(10_000),
    /** SQLite databases copied through the backup API, with the signature of the source state copied. */
    sqlite: z.array(z.object({ path: z.string().max(8192), signature: z.string().max(200) })).max(10_000),
    /** Times later runs found nothing changed and confirmed this point. */
    confirmations: z.array(z.string().max(40)).max(100_000),
    reprise: z.string().max(100),
  });

/** A point's summary as stored. */
export type PointSummary = z.infer<typeof pointSummarySchema>;

/** Parses one stored summary; undefined (with the reason) when it is not a valid one. */
export function parsePointSummary(text: string): { ok: true; value: PointSummary } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const r = pointSummarySchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'summary'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: r.data };
}

/** Summary file names inside records/. */
export const summaryName = (id: string): string => `${id}.json`;
export const intentName = (id: string): string => `${id}.intent.json`;
/** A point retention removed whose record later points still build on. */
export const droppedName = (id: string): string => `${id}.dropped`;
/** The folder of records inside a destination. */
export const RECORDS_DIR = 'records';

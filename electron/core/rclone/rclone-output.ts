// The shapes of every rclone output Reprise reads, as zod schemas, with one reader per output that
// names the rclone command when the shape is not what Reprise expects (a newer or older rclone, a
// wrapper script printing something else). Schemas list only the fields Reprise reads and let the
// rest through: later rclone versions add fields. Captured 1.60.1 outputs in
// test/fixtures/rclone-1.60.1/ are the reference (test/unit/rclone/rclone-output.test.ts).
//
// Listings are hot (lsjson of 50,000+ entries): their items are checked by a hand-written test that
// mirrors lsjsonItemSchema field for field, and zod is asked only to word what is wrong with an
// item that failed it.
import { z } from 'zod';
import { RepriseError } from '../../../shared/result.js';

/** rclone printed something that is not the JSON its command prints. */
export class RcloneOutputError extends RepriseError {
  /** The rclone command, as in "lsjson --stat". */
  readonly command: string;
  /** What is wrong, in one line. */
  readonly problem: string;

  constructor(command: string, problem: string) {
    super({
      kind: 'internal',
      message: `rclone ${command} answered with something Reprise cannot read: ${problem}`,
      hint: 'Reprise reads the output of rclone 1.60 or newer; `rclone version` says which one is installed.',
    });
    this.name = 'RcloneOutputError';
    this.command = command;
    this.problem = problem;
  }
}

// One line (and at most 300 characters) of what zod found, the path into the value first.
function problemOf(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'an unexpected shape';
  const at = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${at}${issue.message}`.slice(0, 300);
}

function jsonOf(command: string, text: string, empty?: unknown): unknown {
  if (empty !== undefined && text.trim() === '') return empty;
  try {
    return JSON.parse(text);
  } catch {
    throw new RcloneOutputError(command, `not JSON (${JSON.stringify(text.slice(0, 80))})`);
  }
}

/** Checks a value against a schema; a mismatch is an RcloneOutputError naming the command. */
export function checked<S extends z.ZodType>(command: string, schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new RcloneOutputError(command, problemOf(r.error));
  return r.data;
}

// --- lsjson (and rc operations/list, which prints the same items) ---------------------------

/** One item of `rclone lsjson` (Size is -1 for folders and unknown sizes). */
export const lsjsonItemSchema = z.looseObject({
  Path: z.string(),
  Name: z.string(),
  Size: z.number(),
  ModTime: z.string(),
  IsDir: z.boolean(),
});
export type LsjsonItem = z.infer<typeof lsjsonItemSchema>;

// The hot path's check: the same fields and types as lsjsonItemSchema (the unit test holds them to it).
function isLsjsonItem(v: unknown): v is LsjsonItem {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.Path === 'string' && typeof o.Name === 'string' && typeof o.Size === 'number' && typeof o.ModTime === 'string' && typeof o.IsDir === 'boolean';
}

function lsjsonItem(command: string, v: unknown, index?: number): LsjsonItem {
  if (isLsjsonItem(v)) return v;
  const r = lsjsonItemSchema.safeParse(v);
  // Only reached when the hand check failed, so zod fails too; the fallback keeps the two honest.
  const problem = r.success ? 'an item Reprise does not expect' : problemOf(r.error);
  throw new RcloneOutputError(command, index === undefined ? problem : `item ${index}: ${problem}`);
}

function itemsOf(command: string, value: unknown): LsjsonItem[] {
  if (!Array.isArray(value)) throw new RcloneOutputError(command, 'a listing that is not a list');
  for (let i = 0; i < value.length; i++) lsjsonItem(command, value[i], i);
  return value as LsjsonItem[];
}

/** The items `rclone lsjson` printed (empty output is an empty list). */
export function parseLsjson(stdout: string): LsjsonItem[] {
  return itemsOf('lsjson', jsonOf('lsjson', stdout, []));
}

/** The one item `rclone lsjson --stat` printed. */
export function parseLsjsonStat(stdout: string): LsjsonItem {
  return lsjsonItem('lsjson --stat', jsonOf('lsjson --stat', stdout));
}

/** One line of `rclone lsjson` (it prints an item a line); undefined for the "[" and "]" lines. */
export function parseLsjsonLine(line: string): LsjsonItem | undefined {
  let text = line.trim();
  if (text === '' || text === '[' || text === ']') return undefined;
  if (text.endsWith(',')) text = text.slice(0, -1);
  return lsjsonItem('lsjson', jsonOf('lsjson', text));
}

// --- size, about -----------------------------------------------------------------------------

/** `rclone size --json` and rc `operations/size` (`sizeless` since 1.60: files of unknown size). */
export const sizeSchema = z.looseObject({ count: z.number(), bytes: z.number(), sizeless: z.number().optional() });
export type RcloneSize = z.infer<typeof sizeSchema>;

/** What `rclone size --json` printed. */
export function parseSize(stdout: string): RcloneSize {
  return checked('size --json', sizeSchema, jsonOf('size --json', stdout));
}

/** `rclone about --json` and rc `operations/about`: the quota fields the provider reports, each only when known. */
export const aboutSchema = z.looseObject({
  total: z.number().optional(),
  used: z.number().optional(),
  free: z.number().optional(),
  trashed: z.number().optional(),
  other: z.number().optional(),
  objects: z.number().optional(),
});
export type RcloneAbout = z.infer<typeof aboutSchema>;

// --- backend features ------------------------------------------------------------------------

/** `rclone backend features REMOTE:`: Precision in ns (100 years means "keeps no times"), hash names, feature flags. */
export const backendFeaturesSchema = z.looseObject({
  Precision: z.number(),
  Hashes: z.array(z.string()).nullable(),
  Features: z.record(z.string(), z.unknown()),
});

/** What a backend can do, as Reprise asks it. */
export interface BackendFeatures {
  /** Keeps modification times (rclone marks "no" with a precision of 100 years). */
  readonly modtimes: boolean;
  readonly hashes: readonly string[];
  /** Lists a whole tree in one call. */
  readonly listR: boolean;
}

/** What `rclone backend features` printed, read into what Reprise decides by. */
export function parseBackendFeatures(stdout: string): BackendFeatures {
  const f = checked('backend features', backendFeaturesSchema, jsonOf('backend features', stdout));
  return { modtimes: f.Precision < 3.6e12, hashes: f.Hashes ?? [], listR: f.Features.ListR === true };
}

// --- config ----------------------------------------------------------------------------------

/** `rclone config dump`: every remote's options as strings (secrets obscured, never shown). */
export const configDumpSchema = z.record(z.string(), z.record(z.string(), z.string()));
export type ConfigDump = z.infer<typeof configDumpSchema>;

/** What `rclone config dump` printed (empty output is no remotes). */
export function parseConfigDump(stdout: string): ConfigDump {
  return checked('config dump', configDumpSchema, jsonOf('config dump', stdout, {}));
}

const exampleSchema = z.looseObject({ Value: z.string(), Help: z.string(), Provider: z.string().optional() });

/** One option of a backend, as `config providers` and the config state machine print it. */
export const optionSchema = z.looseObject({
  Name: z.string(),
  Help: z.string(),
  Provider: z.string().optional(),
  Default: z.unknown().optional(),
  DefaultStr: z.string().optional(),
  Examples: z.array(exampleSchema).nullable().optional(),
  Required: z.boolean().optional(),
  IsPassword: z.boolean().optional(),
  Advanced: z.boolean().optional(),
  Exclusive: z.boolean().optional(),
  Hide: z.number().optional(),
  Type: z.string().optional(),
});

/** `rclone config providers`: every backend with its options. */
export const configProvidersSchema = z.array(
  z.looseObject({ Name: z.string(), Description: z.string(), Prefix: z.string(), Options: z.array(optionSchema), Hide: z.boolean().optional() }),
);

/** What `rclone config providers` printed. */
export function parseConfigProviders(stdout: string): z.infer<typeof configProvidersSchema> {
  return checked('config providers', configProvidersSchema, jsonOf('config providers', stdout));
}

/** The config state machine's answer (`config create|update --non-interactive`, rc `config/create|update`). */
export const configStepSchema = z.looseObject({
  State: z.string().optional(),
  Option: optionSchema.nullable().optional(),
  Error: z.string().optional(),
});

// --- rc (rclone rcd) -------------------------------------------------------------------------

/** rc `operations/list`. */
export const rcListSchema = z.looseObject({ list: z.array(z.unknown()) });

/** A failed rc call's body. */
export const rcErrorSchema = z.looseObject({ error: z.string(), status: z.number().optional(), path: z.string().optional() });

/** The items of an rc `operations/list` answer (checked like lsjson's, they are the same items). */
export function rcListItems(body: unknown): LsjsonItem[] {
  return itemsOf('rc operations/list', checked('rc operations/list', rcListSchema, body).list);
}

/** The message of a failed rc call, or null when the body is not rclone's error shape. */
export function rcErrorMessage(body: unknown): string | null {
  const r = rcErrorSchema.safeParse(body);
  return r.success ? r.data.error : null;
}

// --- md5sum / hashsum ------------------------------------------------------------------------

const MD5_LINE = /^([0-9a-f]{32}) {2}(.*)$/;

/** One line of `rclone md5sum` ("<32 hex>  <path>"); null for anything else (rclone's error lines). */
export function parseMd5sumLine(line: string): { readonly md5: string; readonly path: string } | null {
  const m = MD5_LINE.exec(line);
  return m ? { md5: m[1]!, path: m[2]! } : null;
}

// --- --use-json-log stats --------------------------------------------------------------------

/**
 * The `stats` object of a `--use-json-log` stats line. A field of the wrong type is a broken line;
 * a missing one reads as 0 (older and newer versions differ in which they print, and a partial
 * line still says how far a run is).
 */
const count = z.number().default(0);
export const statsSchema = z.looseObject({
  bytes: count,
  totalBytes: count,
  transfers: count,
  totalTransfers: count,
  checks: count,
  totalChecks: count,
  deletes: count,
  renames: count,
  errors: count,
  fatalError: z.boolean().default(false),
  speed: count,
  eta: z.number().nullable().default(null),
  elapsedTime: count,
  lastError: z.string().optional(),
  // Only present while something is transferring.
  transferring: z.array(z.looseObject({ name: z.string(), percentage: count, size: count, bytes: count })).default([]),
});
export type RcloneStatsJson = z.infer<typeof statsSchema>;

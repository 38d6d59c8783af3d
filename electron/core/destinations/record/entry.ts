// One entry of a restore point's record: what the tree held at one path, byte-exact. Paths are kept
// as "binary strings" (each char one byte, latin1-decoded), so names that are not valid UTF-8 and
// both spellings of an NFC/NFD pair survive, '/' splits them, and a plain string comparison is a
// byte comparison. On disk (see README "The record format") a path is `p` when it is valid UTF-8
// and `pb` (base64 of the bytes) when not.
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';

/** f: regular file, d: folder, l: symlink, o: anything else (fifo, socket, device: recorded, not restored). */
export type EntryType = 'f' | 'd' | 'l' | 'o';

/** What the tree held at one path. */
export interface RecordEntry {
  /** Binary string of the path bytes relative to the destination root, e.g. `music/Björk/01.flac`. */
  readonly path: string;
  readonly type: EntryType;
  /** Bytes of a regular file; 0 otherwise. */
  readonly size: number;
  /** Modification time in nanoseconds since the epoch, as a decimal string (too precise for a JS number). */
  readonly mtime: string;
  /**
   * Status-change time (ctime), nanoseconds as a decimal string like mtime. The kernel moves it on
   * every write, chmod, chown, link count change and setxattr/setfacl, and nothing can set it back,
   * so an equal ctime means the extended attributes are still the base point's: a run reads them only
   * for entries whose ctime moved. It is not part of the state (sameEntry ignores it): a restore in
   * place moves it without changing anything a restore would recreate. Absent in records written
   * before it existed, and for entries listed from a remote.
   */
  readonly ctime?: string;
  /** Permission bits, setuid/setgid/sticky included (mode & 0o7777). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Symlink target (binary string). */
  readonly link?: string;
  /** Later members of a hard-link group name the group's first path (binary string). */
  readonly hardlink?: string;
  /** MD5 of a regular file's content, hex. */
  readonly hash?: string;
  /** Extended attributes (ACLs included): name → base64 value. */
  readonly xattrs?: Readonly<Record<string, string>>;
  /** Set when the point does not hold this entry's content, with the reason in plain words. */
  readonly lack?: string;
}

/** A line of a delta record: the path is gone since the base point. */
export interface DeletedEntry {
  readonly path: string;
  readonly deleted: true;
}

export type RecordLine = RecordEntry | DeletedEntry;

/** Whether a record line is a deletion marker. */
export function isDeleted(line: RecordLine): line is DeletedEntry {
  return (line as DeletedEntry).deleted === true;
}

/** A binary string from bytes. */
export function bin(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** The bytes of a binary string (for fs calls: Node accepts Buffer paths). */
export function bytesOf(path: string): Buffer {
  return Buffer.from(path, 'latin1');
}

/** A binary string from a JS (UTF-16) string, e.g. a user-typed path. */
export function binFromText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A binary string shown to a person: UTF-8 decoded, invalid bytes as U+FFFD (as rclone names them too). */
export function textOf(path: string): string {
  return Buffer.from(path, 'latin1').toString('utf8');
}

/** Whether the bytes of a binary string are valid UTF-8. */
export function isUtf8Path(path: string): boolean {
  // Pure ASCII is the common case and needs no buffer.
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) > 0x7f) return isUtf8(Buffer.from(path, 'latin1'));
  return true;
}

/**
 * Orders paths as a depth-first walk with sorted folder listings visits them: segment by segment,
 * bytes compared. ('a/b' comes before 'a.b' because a folder's content follows the folder.)
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca === cb) continue;
    if (ca === 47) ca = -1;
    if (cb === 47) cb = -1;
    return ca - cb;
  }
  return a.length - b.length;
}

/** Whether `path` is `prefix` itself or lies below it (both binary strings). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || (path.length > prefix.length && path.charCodeAt(prefix.length) === 47 && path.startsWith(prefix));
}

/** Two entries describe the same state (everything a restore would recreate; not the ctime). */
export function sameEntry(a: RecordEntry, b: RecordEntry): boolean {
  return (
    a.path === b.path &&
    a.type === b.type &&
    a.size === b.size &&
    a.mtime === b.mtime &&
    a.mode === b.mode &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.link === b.link &&
    a.hardlink === b.hardlink &&
    a.hash === b.hash &&
    a.lack === b.lack &&
    sameXattrs(a.xattrs, b.xattrs)
  );
}

function sameXattrs(a: RecordEntry['xattrs'], b: RecordEntry['xattrs']): boolean {
  if (a === b) return true;
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  return ka.every((k) => b?.[k] === a?.[k]);
}

// ---- the on-disk line format ----

const pathFields = (name: string) => ({
  [name]: z.string().max(65_536).optional(),
  [`${name}b`]: z.string().max(100_000).optional(),
});

/** The schema of one stored line; every record file is checked against it when read. Keys it does not know (a newer Reprise's) are ignored. */
const lineSchema = z
  .object({
    ...pathFields('p'),
    del: z.literal(1).optional(),
    t: z.enum(['f', 'd', 'l', 'o']).optional(),
    s: z.number().int().nonnegative().optional(),
    m: z.string().regex(/^-?\d{1,25}$/).optional(),
    c: z.string().regex(/^-?\d{1,25}$/).optional(),
    mo: z.number().int().min(0).max(0o7777).optional(),
    u: z.number().int().nonnegative().optional(),
    g: z.number().int().nonnegative().optional(),
    ...pathFields('l'),
    ...pathFields('k'),
    h: z.string().regex(/^[0-9a-f]{32}$/).optional(),
    x: z.record(z.string().max(255), z.string().max(1_000_000)).optional(),
    lack: z.string().max(2000).optional(),
  });

const MTIME = /^-?\d{1,25}$/;
const HASH = /^[0-9a-f]{32}$/;
const optString = (v: unknown, max: number): boolean => v === undefined || (typeof v === 'string' && v.length <= max);
const optCount = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

/** What lineSchema accepts, checked without zod; false means "let the schema decide". */
function fitsLine(raw: unknown): raw is Record<string, unknown> & z.infer<typeof lineSchema> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const r = raw as Record<string, unknown>;
  if (!optString(r.p, 65_536) || !optString(r.pb, 100_000) || !optString(r.l, 65_536) || !optString(r.lb, 100_000) || !optString(r.k, 65_536) || !optString(r.kb, 100_000)) return false;
  if (r.del !== undefined && r.del !== 1) return false;
  if (r.t !== undefined && r.t !== 'f' && r.t !== 'd' && r.t !== 'l' && r.t !== 'o') return false;
  if (!optCount(r.s) || !optCount(r.u) || !optCount(r.g) || !optCount(r.mo) || (typeof r.mo === 'number' && r.mo > 0o7777)) return false;
  if (r.m !== undefined && (typeof r.m !== 'string' || !MTIME.test(r.m))) return false;
  if (r.c !== undefined && (typeof r.c !== 'string' || !MTIME.test(r.c))) return false;
  if (r.h !== undefined && (typeof r.h !== 'string' || !HASH.test(r.h))) return false;
  if (!optString(r.lack, 2000)) return false;
  // Extended attributes are rare: the schema checks them.
  return r.x === undefined;
}

/** A stored line that does not fit the format; names the line so a damaged record can be reported. */
export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

function encodePath(out: Record<string, unknown>, name: string, path: string | undefined): void {
  if (path === undefined) return;
  if (isUtf8Path(path)) out[name] = textOf(path);
  else out[`${name}b`] = bytesOf(path).toString('base64');
}

function decodePath(raw: Record<string, unknown>, name: string): string | undefined {
  const text = raw[name];
  if (typeof text === 'string') return binFromText(text);
  const b64 = raw[`${name}b`];
  if (typeof b64 === 'string') return bin(Buffer.from(b64, 'base64'));
  return undefined;
}

/** One record line as stored (a JSON object; see README). */
export function encodeLine(line: RecordLine): string {
  const out: Record<string, unknown> = {};
  encodePath(out, 'p', line.path);
  if (isDeleted(line)) {
    out.del = 1;
    return JSON.stringify(out);
  }
  out.t = line.type;
  if (line.type === 'f') out.s = line.size;
  out.m = line.mtime;
  if (line.ctime !== undefined) out.c = line.ctime;
  out.mo = line.mode;
  out.u = line.uid;
  out.g = line.gid;
  encodePath(out, 'l', line.link);
  encodePath(out, 'k', line.hardlink);
  if (line.hash) out.h = line.hash;
  if (line.xattrs && Object.keys(line.xattrs).length > 0) out.x = line.xattrs;
  if (line.lack) out.lack = line.lack;
  return JSON.stringify(out);
}

/** Parses and checks one stored line; throws RecordFormatError when it does not fit. */
export function decodeLine(text: string): RecordLine {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RecordFormatError(`not JSON: ${text.slice(0, 80)}`);
  }
  let v: Record<string, unknown> & z.infer<typeof lineSchema>;
  // The common, well-formed line is checked by hand (zod per line was a tenth of a no-change run
  // over 300k files); anything the hand check doubts goes through the schema for its message.
  if (fitsLine(raw)) v = raw;
  else {
    const parsed = lineSchema.safeParse(raw);
    if (!parsed.success) throw new RecordFormatError(`${parsed.error.issues[0]?.path.join('.') || 'line'}: ${parsed.error.issues[0]?.message ?? 'invalid'} in ${text.slice(0, 80)}`);
    v = parsed.data as Record<string, unknown> & z.infer<typeof lineSchema>;
  }
  const path = decodePath(v, 'p');
  if (path === undefined || path === '') throw new RecordFormatError(`a line without a path: ${text.slice(0, 80)}`);
  if (v.del === 1) return { path, deleted: true };
  if (!v.t || v.m === undefined || v.mo === undefined || v.u === undefined || v.g === undefined) throw new RecordFormatError(`a line without type, mtime, mode or owner: ${text.slice(0, 80)}`);
  const link = decodePath(v, 'l');
  const hardlink = decodePath(v, 'k');
  return {
    path,
    type: v.t,
    size: v.t === 'f' ? (v.s ?? 0) : 0,
    mtime: v.m,
    ...(v.c !== undefined ? { ctime: v.c } : {}),
    mode: v.mo,
    uid: v.u,
    gid: v.g,
    ...(link !== undefined ? { link } : {}),
    ...(hardlink !== undefined ? { hardlink } : {}),
    ...(v.h ? { hash: v.h } : {}),
    ...(v.x ? { xattrs: v.x } : {}),
    ...(v.lack ? { lack: v.lack } : {}),
  };
}

// Uploads from the user's own computer. A browser on `reprise serve` cannot hand Reprise a path: it
// announces an upload (files:upload-start: where to, how many files, how many bytes), streams each
// file over HTTP into a scratch folder of this process (never held whole in memory, never more than
// it announced, never past the free space of the temp folder), and then files:upload copies that
// folder to the remote with rclone like any other file operation. The desktop window can name the
// files on disk instead: they are linked into a scratch folder (symlinks, copied with --copy-links).
// A staged folder goes once its copy ran for real, on cancel, after an hour without activity, and
// (via the scratch sweep) when the process that made it is gone.
import { createWriteStream, mkdirSync, renameSync, rmSync, statfsSync, symlinkSync, utimesSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { scratchDir } from '../process/scratch.js';

/** The most one upload may announce. */
export const UPLOAD_MAX_BYTES = 64 * 1024 ** 3;
/** What the temp folder keeps free beyond an upload. */
const FREE_MARGIN_BYTES = 256 * 1024 ** 2;
/** An upload nobody touched for this long is dropped. */
const IDLE_MS = 60 * 60 * 1000;

/** Why bytes were refused, with the HTTP status that says it. */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Session {
  readonly id: string;
  readonly dir: string;
  readonly to: string;
  readonly announced: { readonly files: number; readonly bytes: number };
  /** Bytes of each file received so far (by relative path). */
  readonly received: Map<string, number>;
  readonly inFlight: Set<Readable>;
  lastActive: number;
  part: number;
}

/** A relative path a client sent, as safe segments; null when it is not one. */
export function safeRelative(path: string): string[] | null {
  if (path.length === 0 || path.length > 4096 || path.includes('\0') || path.startsWith('/')) return null;
  const segs = path.split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..' || Buffer.byteLength(s) > 255)) return null;
  return segs;
}

/** Free bytes of the file system holding `dir`; Infinity when it cannot be told. */
function freeBytes(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export interface UploadStagingOptions {
  readonly maxBytes?: number;
  readonly now?: () => number;
  /** Free bytes where staged files go (a test seam). */
  readonly free?: () => number;
}

/** The staged uploads of one process. */
export function uploadStaging(o: UploadStagingOptions = {}) {
  const sessions = new Map<string, Session>();
  const maxBytes = o.maxBytes ?? UPLOAD_MAX_BYTES;
  const now = o.now ?? Date.now;
  const free = o.free ?? (() => freeBytes(tmpdir()));

  const drop = (s: Session) => {
    sessions.delete(s.id);
    for (const r of s.inFlight) r.destroy(new Error('The upload was cancelled.'));
    rmSync(s.dir, { recursive: true, force: true });
  };
  const sweep = () => {
    for (const s of [...sessions.values()]) if (s.inFlight.size === 0 && now() - s.lastActive > IDLE_MS) drop(s);
  };
  const total = (s: Session) => [...s.received.values()].reduce((n, b) => n + b, 0);

  return {
    /** Opens an upload of `files` files and `bytes` bytes to `to`; refuses what cannot fit. */
    async start(id: string, to: string, announced: { files: number; bytes: number }): Promise<void> {
      sweep();
      if (sessions.has(id)) throw new UploadRefused(409, 'This upload was started already.');
      if (announced.bytes > maxBytes) throw new UploadRefused(413, `One upload may carry at most ${Math.floor(maxBytes / 1024 ** 3)} GiB; split it into several.`);
      const room = free() - FREE_MARGIN_BYTES;
      if (announced.bytes > room) throw new UploadRefused(507, `The computer Reprise runs on has ${Math.max(0, Math.floor(room / 1024 ** 2))} MiB free in its temp folder, too little to take ${Math.ceil(announced.bytes / 1024 ** 2)} MiB.`);
      const dir = await scratchDir('upload');
      mkdirSync(join(dir, 'files'));
      mkdirSync(join(dir, 'parts'));
      sessions.set(id, { id, dir, to, announced, received: new Map(), inFlight: new Set(), lastActive: now(), part: 0 });
    },

    /**
     * Streams one file of an upload into place. `length` is what the client said it sends; the file
     * counts only when exactly that much arrived. Rejects with UploadRefused.
     */
    async receive(id: string, relPath: string, length: number, mtimeMs: number | null, body: Readable): Promise<void> {
      const s = sessions.get(id);
      if (!s) throw new UploadRefused(404, 'There is no such upload (it ended, was cancelled or expired).');
      const segs = safeRelative(relPath);
      if (!segs) throw new UploadRefused(400, `"${relPath}" is not a relative path inside the upload.`);
      if (!Number.isSafeInteger(length) || length < 0) throw new UploadRefused(411, 'Each file must say its length.');
      const rel = segs.join('/');
      if (!s.received.has(rel) && s.received.size >= s.announced.files) throw new UploadRefused(413, `The upload announced ${s.announced.files} files.`);
      const already = total(s) - (s.received.get(rel) ?? 0);
      if (already + length > s.announced.bytes) throw new UploadRefused(413, `The upload announced ${s.announced.bytes} bytes; this file would go past that.`);
      s.lastActive = now();
      // Reserved now, so that files sent side by side cannot together pass what was announced.
      const before = s.received.get(rel);
      s.received.set(rel, length);
      const part = join(s.dir, 'parts', String(s.part++));
      const final = join(s.dir, 'files', ...segs);
      let seen = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          seen += chunk.length;
          s.lastActive = now();
          if (seen > length) done(new UploadRefused(413, 'The file is longer than it said.'));
          else done(null, chunk);
        },
      });
      s.inFlight.add(body);
      try {
        await pipeline(body, counter, createWriteStream(part, { mode: 0o600 }));
        if (seen !== length) throw new UploadRefused(400, `The file ended after ${seen} of ${length} bytes.`);
        if (!sessions.has(id)) throw new UploadRefused(410, 'The upload was cancelled.');
        try {
          mkdirSync(dirname(final), { recursive: true });
          renameSync(part, final);
        } catch (e) {
          throw new UploadRefused(409, `"${rel}" clashes with another file of the upload (${(e as NodeJS.ErrnoException).code ?? 'error'}).`);
        }
        if (mtimeMs !== null && Number.isFinite(mtimeMs) && mtimeMs > 0) utimesSync(final, new Date(mtimeMs), new Date(mtimeMs));
      } catch (e) {
        await rm(part, { force: true });
        if (before === undefined) s.received.delete(rel);
        else s.received.set(rel, before);
        if (e instanceof UploadRefused) throw e;
        throw new UploadRefused(sessions.has(id) ? 400 : 410, sessions.has(id) ? `The file did not arrive whole: ${(e as Error).message}` : 'The upload was cancelled.');
      } finally {
        s.inFlight.delete(body);
      }
    },

    /** Links files of this computer into a new staged upload (the desktop window's way). */
    async link(id: string, to: string, files: ReadonlyArray<{ readonly from: string; readonly name: string }>): Promise<void> {
      sweep();
      if (sessions.has(id)) throw new UploadRefused(409, 'This upload was started already.');
      const dir = await scratchDir('upload');
      const session: Session = { id, dir, to, announced: { files: files.length, bytes: 0 }, received: new Map(), inFlight: new Set(), lastActive: now(), part: 0 };
      sessions.set(id, session);
      try {
        for (const f of files) {
          const segs = safeRelative(f.name);
          if (!segs || !f.from.startsWith('/')) throw new UploadRefused(400, `"${f.name}" is not a relative name, or "${f.from}" not a full path.`);
          const at = join(dir, 'files', ...segs);
          mkdirSync(dirname(at), { recursive: true });
          symlinkSync(f.from, at);
          session.received.set(segs.join('/'), 0);
        }
      } catch (e) {
        drop(session);
        if (e instanceof UploadRefused) throw e;
        throw new UploadRefused(409, `The files cannot be gathered: ${(e as Error).message}`);
      }
    },

    /** The folder to copy from, with what it holds; null when there is no such upload. */
    staged(id: string): { readonly folder: string; readonly to: string; readonly names: readonly string[]; readonly files: number; readonly bytes: number; readonly announced: number } | null {
      const s = sessions.get(id);
      if (!s) return null;
      s.lastActive = now();
      return { folder: join(s.dir, 'files'), to: s.to, names: [...s.received.keys()], files: s.received.size, bytes: total(s), announced: s.announced.files };
    },

    /** Drops an upload (cancelled, or copied for real); false when there was none. */
    discard(id: string): boolean {
      const s = sessions.get(id);
      if (!s) return false;
      drop(s);
      return true;
    },

    /** Drops every upload (the process ends). */
    close(): void {
      for (const s of [...sessions.values()]) drop(s);
    },
  };
}

export type UploadStaging = ReturnType<typeof uploadStaging>;

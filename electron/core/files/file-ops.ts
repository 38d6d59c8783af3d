// File operations between any two locations, local or on rclone remotes: list, size, make a folder,
// copy, move (rename), sync and delete. Each transfer is one rclone child with JSON stats (the same
// parsing as backups), cancellable, with a dry run that lists exactly what rclone would do. Places
// Reprise manages (job destinations) are refused unless the caller confirms; every operation that
// changes something is written to the audit log.
import { randomUUID } from 'node:crypto';
import type { FileEntry, FileOpProgress, FileOpResult, PreviewItem, TransferOp, TrashKind } from '../../../shared/files.js';
import type { Job } from '../../../shared/model.js';
import { raise } from '../../../shared/result.js';
import type { AuditActor } from '../../../shared/audit.js';
import { parseTarget } from '../../../shared/remotes/remote-path.js';
import type { AuditLog } from '../audit/audit-log.js';
import { execFor } from '../destinations/rclone-flags.js';
import { jsonObjectOf, parseRcloneLine } from '../rclone/rclone-json.js';
import { networkReason } from '../rclone/plain-reason.js';
import { parseLsjson, parseLsjsonStat, parseSize } from '../rclone/rclone-output.js';
import type { RcloneSetup } from '../rclone/rclone-env.js';
import { runRcloneTransfer } from '../rclone/rclone-transfer.js';
import { managedDestination, managedProblem } from './managed-paths.js';
import { remoteTrash } from './remote-trash.js';
import { UploadRefused, type UploadStaging } from './upload-staging.js';

export interface FileOpsDeps {
  readonly rclone: () => RcloneSetup;
  readonly jobs: () => readonly Job[];
  readonly audit: AuditLog;
  readonly progress: (p: FileOpProgress) => void;
  /** Files sent from the user's own computer, staged for upload. */
  readonly uploads?: UploadStaging;
}

/** Options every changing operation takes. */
export interface ChangeOptions {
  readonly dryRun: boolean;
  /** Confirmed: go ahead inside a destination Reprise manages. */
  readonly force: boolean;
  readonly actor?: AuditActor;
  /** Lets the caller cancel it (ops:cancel) before it ends. */
  readonly id?: string;
}

export interface TransferOptions extends ChangeOptions {
  readonly bwlimit?: string | undefined;
  readonly checksum?: boolean;
  readonly excludes?: readonly string[];
}

const PREVIEW_MAX = 1000;

/** A location a person typed: REMOTE:PATH or an absolute local path. */
function checkLocation(target: string): void {
  const t = parseTarget(target);
  if (t.type === 'local' && !t.path.startsWith('/')) raise('invalid-request', `"${target}" is neither REMOTE:PATH nor a full local path.`, { hint: 'Write REMOTE:PATH (e.g. gdrive:Music) or a path that starts with /.' });
}

/** The file operations of one core. */
export function fileOps(deps: FileOpsDeps) {
  const running = new Map<string, AbortController>();

  const staging = (): UploadStaging => deps.uploads ?? raise('invalid-request', 'This Reprise takes no uploads.');
  const refusedAsError = async (f: () => Promise<void>): Promise<void> => {
    try {
      await f();
    } catch (e) {
      if (!(e instanceof UploadRefused)) throw e;
      raise(e.status === 409 ? 'conflict' : e.status === 404 ? 'not-found' : 'invalid-request', e.message);
    }
  };

  const guard = (target: string, force: boolean, containing: boolean): void => {
    const m = managedDestination(target, deps.jobs(), { containing });
    if (m && !force) raise('conflict', managedProblem(target, m), { hint: 'Confirm to go ahead anyway (--force on the command line).' });
  };

  async function stat(target: string, signal?: AbortSignal): Promise<{ exists: boolean; isDir: boolean; size: number }> {
    const r = await execFor(deps.rclone())({ args: ['lsjson', '--stat', '--no-mimetype', '--', target], stallAfterMs: 0, ...(signal ? { signal } : {}) });
    if (r.exitCode === 3 || r.exitCode === 4) return { exists: false, isDir: false, size: 0 };
    if (r.exitCode !== 0) raise('exit-code', `${target} cannot be reached: ${networkReason(parseTarget(target).type === 'remote' ? (parseTarget(target) as { remote: string }).remote : null, r.stderrTail.join('\n')) ?? r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`}`);
    const item = parseLsjsonStat(r.stdout);
    return { exists: true, isDir: item.IsDir, size: Math.max(0, item.Size) };
  }

  async function transfer(op: string, args: readonly string[], source: string | null, destination: string | null, o: ChangeOptions, known?: { count: number; bytes: number }): Promise<FileOpResult> {
    const id = o.id ?? randomUUID();
    const controller = new AbortController();
    running.set(id, controller);
    const preview: PreviewItem[] = [];
    let lastError: string | null = null;
    try {
      const r = await runRcloneTransfer({
        rclone: deps.rclone(),
        args: [...args.slice(0, 1), ...(o.dryRun ? ['--dry-run'] : []), ...args.slice(1)],
        signal: controller.signal,
        log: (line) => {
          const p = parseRcloneLine(line);
          if (p.type === 'file' && p.dryRun && preview.length < PREVIEW_MAX) {
            preview.push({ action: p.action === 'skipped-delete' ? 'delete' : op === 'move' ? 'move' : 'copy', path: p.object, size: p.size });
          } else if (p.type !== 'file' && o.dryRun && preview.length < PREVIEW_MAX && line.includes('"skipped"')) {
            // A server-side move in a dry run says `"skipped":"move"`, which the backup parser has no use for.
            const j = jsonObjectOf(line);
            if (j && j.skipped === 'move' && typeof j.object === 'string') preview.push({ action: 'move', path: j.object, size: typeof j.size === 'number' ? j.size : null });
          }
          if (p.type === 'error') lastError ??= p.object ? `${p.object}: ${p.message}` : p.message;
        },
        onStats: (s) =>
          deps.progress({ id, op, bytes: s.bytes, totalBytes: s.totalBytes, files: s.transfers, totalFiles: s.totalTransfers, speed: s.speed, eta: s.eta, current: s.transferring.map((t) => t.name) }),
      });
      const outcome: FileOpResult['outcome'] = r.verdict === 'success' ? 'ok' : r.verdict;
      const result: FileOpResult = {
        op,
        source,
        destination,
        dryRun: o.dryRun,
        outcome,
        files: known && r.verdict === 'success' ? known.count : o.dryRun ? preview.filter((p) => p.action !== 'delete' || op === 'delete').length : (r.stats?.transfers ?? 0) + (op === 'delete' ? (r.stats?.deletes ?? 0) : 0),
        bytes: known && r.verdict === 'success' ? known.bytes : o.dryRun ? preview.reduce((n, p) => n + (p.action === 'delete' && op !== 'delete' ? 0 : (p.size ?? 0)), 0) : (r.stats?.bytes ?? 0),
        errors: r.stats?.errors ?? (r.verdict === 'failed' ? 1 : 0),
        error: r.verdict === 'success' ? null : (r.firstError ?? lastError),
        preview,
      };
      deps.audit.record({
        ...(o.actor ? { actor: o.actor } : {}),
        operation: `files ${op}${o.dryRun ? ' (dry run)' : ''}`,
        source,
        destination,
        result: o.dryRun && outcome === 'ok' ? 'dry-run' : outcome,
        files: result.files,
        bytes: result.bytes,
        detail: result.error,
      });
      return result;
    } finally {
      running.delete(id);
    }
  }

  return {
    /** A folder's entries (not recursive), folders first. */
    async list(target: string): Promise<FileEntry[]> {
      checkLocation(target);
      const r = await execFor(deps.rclone())({ args: ['lsjson', '--no-mimetype', '--', target], stallAfterMs: 0 });
      if (r.exitCode === 3) raise('not-found', `${target} does not exist.`);
      if (r.exitCode !== 0) raise('exit-code', `${target} cannot be listed: ${r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`}`);
      return parseLsjson(r.stdout)
        .map((i) => ({ name: i.Name, path: i.Path, isDir: i.IsDir, size: i.IsDir ? -1 : i.Size, modTime: i.ModTime }))
        .sort((a, b) => (a.isDir === b.isDir ? a.name.localeCompare(b.name) : a.isDir ? -1 : 1));
    },

    /** Files and bytes under a location. */
    async size(target: string): Promise<{ count: number; bytes: number }> {
      checkLocation(target);
      const r = await execFor(deps.rclone())({ args: ['size', '--json', '--', target], stallAfterMs: 0 });
      if (r.exitCode === 3) raise('not-found', `${target} does not exist.`);
      if (r.exitCode !== 0) raise('exit-code', `${target} cannot be sized: ${r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`}`);
      const j = parseSize(r.stdout);
      return { count: j.count, bytes: j.bytes };
    },

    /** Makes a folder (and its parents). */
    async mkdir(target: string, o: ChangeOptions): Promise<FileOpResult> {
      checkLocation(target);
      guard(target, o.force, false);
      if (o.dryRun) {
        const result: FileOpResult = { op: 'mkdir', source: null, destination: target, dryRun: true, outcome: 'ok', files: 0, bytes: 0, errors: 0, error: null, preview: [] };
        deps.audit.record({ ...(o.actor ? { actor: o.actor } : {}), operation: 'files mkdir (dry run)', destination: target, result: 'dry-run' });
        return result;
      }
      const r = await execFor(deps.rclone())({ args: ['mkdir', '--', target], stallAfterMs: 0 });
      const error = r.exitCode === 0 ? null : (r.stderrTail.at(-1) ?? `rclone exit ${r.exitCode}`);
      deps.audit.record({ ...(o.actor ? { actor: o.actor } : {}), operation: 'files mkdir', destination: target, result: error ? 'failed' : 'ok', detail: error });
      return { op: 'mkdir', source: null, destination: target, dryRun: false, outcome: error ? 'failed' : 'ok', files: 0, bytes: 0, errors: error ? 1 : 0, error, preview: [] };
    },

    /** Copies, moves or syncs a file or folder to another place (a folder's content lands in `to`). */
    async transfer(op: TransferOp, from: string, to: string, o: TransferOptions): Promise<FileOpResult> {
      checkLocation(from);
      checkLocation(to);
      guard(to, o.force, op === 'sync');
      if (op === 'move') guard(from, o.force, true);
      const what = await stat(from);
      if (!what.exists) raise('not-found', `${from} does not exist.`);
      if (op === 'sync' && !what.isDir) raise('invalid-request', 'Sync works on folders: it makes the destination folder the same as the source folder.', { hint: 'Use copy for a single file.' });
      const flags = [...(o.bwlimit ? [`--bwlimit=${o.bwlimit}`] : []), ...(o.checksum ? ['--checksum'] : []), ...(o.excludes ?? []).map((e) => `--exclude=${e}`)];
      const verb = what.isDir ? op : op === 'move' ? 'moveto' : 'copyto';
      // A single file moved on one remote is a rename: rclone counts no transfer, yet one file moved.
      const known = !what.isDir && op === 'move' && !o.dryRun ? { count: 1, bytes: what.size } : undefined;
      return transfer(op, [verb, ...flags, ...(op === 'move' && what.isDir ? ['--delete-empty-src-dirs'] : []), '--', from, to], from, to, o, known);
    },

    /** Deletes a file, or a folder with everything in it. */
    async delete(target: string, o: ChangeOptions): Promise<FileOpResult> {
      checkLocation(target);
      const t = parseTarget(target);
      if (t.type === 'remote' ? t.path.replace(/\/+$/, '') === '' : t.path === '/') raise('invalid-request', `Refusing to delete the whole of ${target}.`, { hint: 'Delete the folders in it one by one.' });
      guard(target, o.force, true);
      const what = await stat(target);
      if (!what.exists) raise('not-found', `${target} does not exist.`);
      if (what.isDir) {
        // purge has no per-file lines in a dry run: `delete` lists every file, then `purge` removes the folders.
        if (o.dryRun) return transfer('delete', ['delete', '--', target], null, target, o);
        const r = await execFor(deps.rclone())({ args: ['size', '--json', '--', target], stallAfterMs: 0 });
        const sized = r.exitCode === 0 ? parseSize(r.stdout) : { count: 0, bytes: 0 };
        return transfer('delete', ['purge', '--', target], null, target, o, sized);
      }
      return transfer('delete', ['deletefile', '--', target], null, target, o);
    },

    /** Opens an upload from the user's computer to the folder `to` (its files then arrive over HTTP). */
    async uploadStart(id: string, to: string, announced: { files: number; bytes: number }, o: { force: boolean }): Promise<void> {
      checkLocation(to);
      guard(to, o.force, false);
      await refusedAsError(() => staging().start(id, to, announced));
    },

    /**
     * Copies an upload into the folder `to`: the files staged under `id`, or (the desktop window) the
     * named files of this computer. A real copy, whatever its outcome, ends the staged upload.
     */
    async upload(id: string, to: string, o: ChangeOptions & { readonly paths?: ReadonlyArray<{ readonly from: string; readonly name: string }> | undefined }): Promise<FileOpResult> {
      checkLocation(to);
      guard(to, o.force, false);
      const uploads = staging();
      if (o.paths && !uploads.staged(id)) await refusedAsError(() => uploads.link(id, to, o.paths!));
      const staged = uploads.staged(id);
      if (!staged) raise('not-found', 'There is no such upload: it ended, was cancelled, or waited more than an hour.', { hint: 'Pick the files again.' });
      if (staged.files === 0) raise('invalid-request', 'No file of this upload has arrived.');
      const tops = [...new Set(staged.names.map((n) => (n.includes('/') ? `${n.slice(0, n.indexOf('/'))}/` : n)))].sort();
      const source = `this computer: ${tops.slice(0, 20).join(', ')}${tops.length > 20 ? ` and ${tops.length - 20} more` : ''}`;
      try {
        return await transfer('upload', ['copy', ...(o.paths ? ['--copy-links'] : []), '--', staged.folder, to], source, to, { ...o, id });
      } finally {
        if (!o.dryRun) uploads.discard(id);
      }
    },

    /** Where a delete of `target` goes: the remote's trash, hidden behind a version, or nowhere. */
    trash(target: string): Promise<TrashKind> {
      checkLocation(target);
      return remoteTrash(deps.rclone(), target);
    },

    /** Stops a running operation, or drops an upload still arriving; false when there is neither. */
    cancel(id: string): boolean {
      const c = running.get(id);
      c?.abort();
      if (c) return true;
      const staged = deps.uploads?.staged(id);
      if (!staged || !deps.uploads?.discard(id)) return false;
      deps.audit.record({ operation: 'files upload', source: 'this computer', destination: staged.to, result: 'cancelled', files: 0, bytes: 0, detail: `cancelled while sending (${staged.files} of ${staged.announced} files had started arriving)` });
      return true;
    },
  };
}

export type FileOps = ReturnType<typeof fileOps>;

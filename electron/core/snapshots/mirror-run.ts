// One run of a versioned-mirror destination: guard the sources, `rclone sync` each into
// current/<base> with changed and deleted files moved to versions/<run id>/<base>, then upload the
// run's manifest. rclone runs behind the RcloneExec seam.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { type DeletionGuardPolicy, checkMirrorSource, countSource, maxDeleteFor } from './mirror-guard.js';
import { MIRROR_MANIFESTS, buildMirrorSyncArgs, joinRemote } from './mirror-layout.js';
import { type MirrorManifest, type MirrorOutcome, type MirrorSourceRecord, MirrorChangeTracker, parseMirrorManifests } from './mirror-manifest.js';
import type { RcloneExec } from './rclone-exec.js';
import { uniqueSnapshotId } from './snapshot-names.js';

/** Every way a mirror run is refused before rclone starts. */
export type MirrorErrorKind = 'source-missing' | 'source-empty' | 'invalid-source' | 'source-name-clash' | 'manifest-upload-failed';

/** A refused mirror run; nothing in the mirror was changed. */
export class MirrorError extends Error {
  readonly kind: MirrorErrorKind;
  constructor(kind: MirrorErrorKind, message: string) {
    super(message);
    this.name = 'MirrorError';
    this.kind = kind;
  }
}

/** What a mirror run needs. */
export interface MirrorRunOptions {
  /** `REMOTE:PATH` (or an absolute local path) of the mirror. */
  readonly target: string;
  readonly sources: readonly string[];
  readonly job: { readonly id: string; readonly name: string };
  readonly repriseVersion: string;
  readonly exec: RcloneExec;
  readonly guard?: DeletionGuardPolicy;
  readonly excludes?: readonly string[];
  readonly clock?: () => Date;
  readonly signal?: AbortSignal;
  /** Preview only: rclone --dry-run, no manifest written. */
  readonly dryRun?: boolean;
  /** Every rclone log line, for the run's log file and progress parsing. */
  readonly onLine?: (line: string, source: string) => void;
}

/** Flags that make rclone log JSON, stats every second and one line per file. */
export const MIRROR_LOG_ARGS: readonly string[] = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE', '-v'];

/** Reads every run manifest of a mirror; an empty list when there are none yet. */
export async function readMirrorManifests(exec: RcloneExec, target: string, signal?: AbortSignal): Promise<MirrorManifest[]> {
  const r = await exec({ args: ['cat', '--include', '*.json', '--', joinRemote(target, MIRROR_MANIFESTS)], ...(signal ? { signal } : {}) });
  return r.exitCode === 0 ? parseMirrorManifests(r.stdout) : [];
}

/** Runs one mirror backup of all sources; returns the manifest it uploaded. */
export async function runMirror(o: MirrorRunOptions): Promise<MirrorManifest> {
  const clock = o.clock ?? (() => new Date());
  const startedAt = clock();
  const guard = o.guard ?? {};
  const sources: Array<{ path: string; base: string; files: number; bytes: number }> = [];
  const bases = new Set<string>();
  for (const raw of o.sources) {
    if (!isAbsolute(raw)) throw new MirrorError('invalid-source', `Source folders must be absolute paths: ${raw}`);
    const path = resolve(raw);
    const base = basename(path);
    if (!base) throw new MirrorError('invalid-source', `A source must be a folder with a name, not ${raw}`);
    if (bases.has(base)) throw new MirrorError('source-name-clash', `Two sources share the folder name "${base}"; rename one.`);
    bases.add(base);
    const count = await countSource(path);
    const refusal = checkMirrorSource(path, count, guard);
    if (refusal) throw new MirrorError(refusal.kind, refusal.message);
    sources.push({ path, base, files: count!.files, bytes: count!.bytes });
  }

  const previous = await readMirrorManifests(o.exec, o.target, o.signal);
  const runId = uniqueSnapshotId(startedAt, new Set(previous.map((m) => m.id)));
  const records: MirrorSourceRecord[] = [];
  for (const s of sources) {
    const prevFiles = [...previous].reverse().flatMap((m) => m.sources.filter((r) => r.base === s.base))[0]?.files;
    const maxDelete = maxDeleteFor(prevFiles, guard);
    const tracker = new MirrorChangeTracker();
    let maxDeleteHit = false;
    let statsErrors = 0;
    let firstError: string | null = null;
    const r = await o.exec({
      args: [...MIRROR_LOG_ARGS, ...buildMirrorSyncArgs({ source: s.path, base: s.base, target: o.target, runId, ...(maxDelete !== undefined ? { maxDelete } : {}), ...(o.excludes ? { excludes: o.excludes } : {}), dryRun: o.dryRun ?? false })],
      ...(o.signal ? { signal: o.signal } : {}),
      onStderrLine: (line) => {
        o.onLine?.(line, s.base);
        tracker.push(line);
        if (line.includes('--max-delete threshold reached')) maxDeleteHit = true;
        const parsed = parseJson(line);
        if (parsed?.stats && typeof parsed.stats.errors === 'number') statsErrors = parsed.stats.errors;
        if (parsed?.level === 'error' && typeof parsed.msg === 'string') firstError ??= `${typeof parsed.object === 'string' ? `${parsed.object}: ` : ''}${parsed.msg}`;
      },
    });
    let outcome: MirrorOutcome;
    if (r.cancelled) outcome = 'cancelled';
    else if (maxDeleteHit) outcome = 'guard-stopped';
    else if (r.exitCode === 0) outcome = statsErrors > 0 ? 'partial' : 'ok';
    else outcome = 'failed';
    if (outcome === 'guard-stopped') {
      firstError = `This run would delete more than ${maxDelete} files (over ${Math.round((guard.maxDeleteShare ?? 0.5) * 100)}% of the mirror) and was stopped. Files already moved are safe in versions/${runId}. Check the source, then confirm the run to allow it.`;
    }
    records.push({
      path: s.path,
      base: s.base,
      files: s.files,
      bytes: s.bytes,
      // The first run adds everything; no older state exists to rebuild, so the list is not kept.
      added: previous.length === 0 ? [] : tracker.added().map((p) => `${s.base}/${p}`),
      transferred: tracker.transfers(),
      versioned: tracker.versioned(),
      outcome,
      error: outcome === 'ok' ? null : (firstError ?? r.stderrTail.at(-1) ?? null),
    });
    if (outcome === 'cancelled') break;
  }
  const manifest: MirrorManifest = {
    format: 'reprise-mirror',
    formatVersion: 1,
    id: runId,
    job: { id: o.job.id, name: o.job.name },
    startedAt: startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    outcome: worst(records.map((r) => r.outcome)),
    sources: records,
    repriseVersion: o.repriseVersion,
  };
  // A run that copied and moved nothing leaves the newest restore point as it is: no new point.
  const unchanged = previous.length > 0 && manifest.outcome === 'ok' && records.every((r) => r.transferred === 0 && r.versioned === 0);
  if (unchanged) return { ...manifest, unchanged: true };
  if (!o.dryRun) await uploadManifest(o.exec, o.target, manifest);
  return manifest;
}

const ORDER: readonly MirrorOutcome[] = ['ok', 'warning', 'partial', 'guard-stopped', 'failed', 'cancelled'];

function worst(outcomes: readonly MirrorOutcome[]): MirrorOutcome {
  return outcomes.reduce<MirrorOutcome>((w, o) => (ORDER.indexOf(o) > ORDER.indexOf(w) ? o : w), 'ok');
}

function parseJson(line: string): { level?: unknown; msg?: unknown; object?: unknown; stats?: { errors?: unknown } } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as ReturnType<typeof parseJson>;
  } catch {
    return undefined;
  }
}

async function uploadManifest(exec: RcloneExec, target: string, manifest: MirrorManifest): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'reprise-manifest-'));
  try {
    const file = join(dir, `${manifest.id}.json`);
    await writeFile(file, `${JSON.stringify(manifest)}\n`);
    const r = await exec({ args: ['copyto', '--', file, joinRemote(target, MIRROR_MANIFESTS, `${manifest.id}.json`)] });
    if (r.exitCode !== 0) throw new MirrorError('manifest-upload-failed', `The run finished but its manifest could not be written to the mirror: ${r.stderrTail.at(-1) ?? ''}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// The "copy" kind: an additive `rclone copy` of each source into TARGET/<source folder name>. It keeps
// no restore points (nothing to restore from but the files themselves); verify compares the sources
// with the copy. SQLite databases are copied through the backup API, as on every kind.
import { rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { scratchDir } from '../../process/scratch.js';
import type { Destination, Job } from '../../../../shared/model.js';
import type { VerifyDestination } from '../../../../shared/restore.js';
import type { Verdict } from '../../process/exit-policy.js';
import { runRcloneTransfer } from '../../rclone/rclone-transfer.js';
import { joinTarget } from '../../../../shared/remotes/remote-path.js';
import { copySqliteDatabase, findSqliteDatabases } from '../sqlite-copy.js';
import type { DestinationContext, DestinationOutcome } from '../../runs/destination-runner.js';
import type { DestinationKindImpl, KindEnv } from '../kind.js';
import { escapeGlob, execFor, jobTransferFlags } from '../rclone-flags.js';
import { isRemoteSource, sourceBaseName } from '../../sources/remote-source.js';

/** One destination's outcome from its sources' verdicts: some copied and some not is partial. */
export function sourcesOutcome(verdicts: readonly Exclude<Verdict, 'cancelled'>[]): 'success' | 'partial' | 'failed' {
  if (verdicts.every((v) => v === 'success')) return 'success';
  if (verdicts.every((v) => v === 'failed')) return 'failed';
  return 'partial';
}

/** Copies every source of the job to the destination, one rclone child per source. */
export async function backupCopy(ctx: DestinationContext): Promise<DestinationOutcome> {
  const steps = ctx.job.sources.length;
  let bytes = 0;
  let files = 0;
  let errors = 0;
  let firstError: string | null = null;
  let failure: DestinationOutcome['failure'];
  const verdicts: Exclude<Verdict, 'cancelled'>[] = [];
  // Files rclone could not copy, by path under the destination: History lists them; the next run's
  // copy finds them missing and copies them again.
  const failedFiles = new Map<string, string>();
  const work = await scratchDir('copy');
  try {
    for (let i = 0; i < steps; i++) {
      const source = ctx.job.sources[i]!;
      const base = sourceBaseName(source);
      const target = joinTarget(ctx.dest.target, base);
      // A database being written is copied consistently and uploaded on its own; its byte copy would be torn.
      // (A remote source's databases are files like any other: nobody writes them there while we copy.)
      const databases = isRemoteSource(source) ? [] : await findSqliteDatabases([{ path: source, base }]);
      const dbRel = databases.map((d) => relative(source, d.absolute).split(sep).join('/'));
      const dbExcludes = dbRel.flatMap((r) => ['', '-wal', '-shm', '-journal'].map((s) => `--exclude=/${escapeGlob(r)}${s}`));
      const args = ['copy', ...ctx.job.excludes.map((e) => `--exclude=${e}`), ...dbExcludes, ...jobTransferFlags(ctx.job), ...(ctx.dryRun ? ['--dry-run'] : []), '--', source, target];
      ctx.log(`# rclone copy "${source}" → "${target}"`);
      const r = await runRcloneTransfer({
        rclone: ctx.rclone,
        args,
        signal: ctx.signal,
        log: ctx.log,
        onChange: ctx.change,
        onFileError: (path, message) => {
          if (!AFTERMATH.test(message)) failedFiles.set(`${base}/${path}`, message.replace(/^Failed to copy: /, ''));
        },
        onStats: (s) => {
          const fraction = s.totalBytes > 0 ? s.bytes / s.totalBytes : s.totalTransfers > 0 ? s.transfers / s.totalTransfers : 0;
          ctx.progress({ step: i + 1, steps, bytes: bytes + s.bytes, totalBytes: bytes + s.totalBytes, files: files + s.transfers, totalFiles: files + s.totalTransfers, speed: s.speed, eta: s.eta, fraction: (i + Math.min(1, fraction)) / steps, current: s.transferring.map((t) => ({ name: t.name, percent: t.percentage, size: t.size })), errors: errors + s.errors, elapsed: s.elapsedTime });
        },
      });
      bytes += r.stats?.bytes ?? 0;
      files += r.stats?.transfers ?? 0;
      errors += r.stats?.errors ?? (r.verdict === 'failed' ? 1 : 0);
      firstError ??= r.firstError;
      if (r.verdict === 'failed') failure ??= { tool: 'rclone', exitCode: r.exitCode };
      if (r.verdict === 'cancelled') return { outcome: 'cancelled', bytes, files, errors, firstError };
      let verdict: Exclude<Verdict, 'cancelled'> = r.verdict;
      for (const [k, db] of databases.entries()) {
        if (ctx.dryRun) break;
        const copy = join(work, `${i}-${k}.db`);
        try {
          await copySqliteDatabase(db.absolute, copy);
        } catch (e) {
          errors++;
          firstError ??= `${db.absolute}: the database could not be copied consistently: ${(e as Error).message}`;
          verdict = verdict === 'success' ? 'partial' : verdict;
          continue;
        }
        const up = await runRcloneTransfer({ rclone: ctx.rclone, args: ['copyto', ...jobTransferFlags(ctx.job), '--', copy, joinTarget(target, dbRel[k]!)], signal: ctx.signal, log: ctx.log, onStats: () => {} });
        if (up.verdict === 'cancelled') return { outcome: 'cancelled', bytes, files, errors, firstError };
        if (up.verdict !== 'success') {
          errors++;
          firstError ??= up.firstError;
          verdict = verdict === 'success' ? 'partial' : verdict;
        } else files++;
      }
      if (ctx.job.verify && !ctx.dryRun && verdict !== 'failed') {
        // Verify reads both sides again: every source file must be at the destination, same size
        // and hash where the remote has one. --one-way because copy never deletes extra files there.
        ctx.log(`# verify: rclone check --one-way "${source}" "${target}"`);
        const v = await runRcloneTransfer({ rclone: ctx.rclone, args: ['check', '--one-way', ...ctx.job.excludes.map((e) => `--exclude=${e}`), ...dbExcludes, ...(ctx.job.checkers ? [`--checkers=${ctx.job.checkers}`] : []), '--', source, target], signal: ctx.signal, log: ctx.log, onStats: () => {} });
        ctx.log(`# verify: ${v.verdict === 'success' ? 'every file matches' : v.verdict}`);
        if (v.verdict === 'cancelled') return { outcome: 'cancelled', bytes, files, errors, firstError };
        if (v.verdict !== 'success') {
          errors += Math.max(1, v.stats?.errors ?? 0);
          firstError ??= `Verification found differences: ${v.firstError ?? 'see the log'}`;
          verdicts.push('failed');
          continue;
        }
      }
      verdicts.push(verdict);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const outcome = sourcesOutcome(verdicts);
  const failedList = [...failedFiles].map(([path, error]) => ({ path, error }));
  return { outcome, bytes, files, errors, firstError, failedFiles: failedList, ...(outcome === 'failed' && failure ? { failure } : {}) };
}

const SAMPLE = 50;
/** Consequences rclone reports after per-file errors, not failures of a file. */
const AFTERMATH = /^(not deleting (files|directories) as there were IO errors|Attempt \d+\/\d+ failed)/;

/** `rclone check --one-way` of each source against the copy: every source file must be there. */
async function verifyCopy(job: Job, d: Destination, env: KindEnv, options: { readonly deep: boolean; readonly signal?: AbortSignal }): Promise<VerifyDestination> {
  const exec = execFor(env.rclone);
  const sample: string[] = [];
  let differences = 0;
  let error: string | null = null;
  for (const source of job.sources) {
    const base = sourceBaseName(source);
    const r = await exec({ args: ['check', '--combined', '-', '--one-way', ...(options.deep ? ['--download'] : []), ...job.excludes.map((e) => `--exclude=${e}`), '--', source, joinTarget(d.target, base)], ...(options.signal ? { signal: options.signal } : {}) });
    for (const line of r.stdout.split('\n')) {
      const m = /^([*+!-]) (.*)$/.exec(line);
      if (!m || /\.(db|sqlite|sqlite3|db3)(-wal|-shm|-journal)?$/i.test(m[2]!)) continue;
      differences++;
      if (sample.length < SAMPLE) sample.push(`${m[1] === '+' ? '-' : m[1]} ${base}/${m[2]}`);
    }
    if (r.exitCode !== 0 && r.exitCode !== 1) error ??= `rclone check failed: ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`;
  }
  return { destId: d.id, kind: d.kind, target: d.target, pointId: null, ok: error === null && differences === 0, differences, sample, error, deep: options.deep };
}

/** The copy kind. */
export const copyKind: DestinationKindImpl = { backup: backupCopy, open: null, verify: verifyCopy };

// `reprise job add|list|remove`.
import type { Command } from 'commander';
import { formatRelative, formatWhen, runtimeLocale } from '../../../shared/format.js';
import { optionsNotApplying } from '../../../shared/job-options.js';
import type { Job, RetentionPolicy } from '../../../shared/model.js';
import { outcomeWords } from '../../../shared/outcome-words.js';
import { defaultRetention } from '../../../shared/restore.js';
import { describeCron } from '../../../shared/schedule.js';
import { type CliContext, CliFailure, exitCodes } from '../context.js';
import { printJson, printTable } from '../output.js';
import { sourcePath } from '../paths.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface JobOptions {
  source?: string[];
  snapshot?: string[];
  mirror?: string[];
  copy?: string[];
  schedule?: string;
  exclude?: string[];
  bwlimit?: string;
  keepLast?: string;
  keepDaily?: string;
  keepWeekly?: string;
  keepMonthly?: string;
  verify?: boolean;
  checksum?: boolean;
  transfers?: string;
  checkers?: string;
  staleDays?: string;
  rename?: string;
}

// Numbers as typed; anything else reaches the request schema, which names the option.
/** A number typed on the command line; what is no number becomes NaN, which the schema refuses in words. */
const num = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));
const NONE = /^(none|off|manual|never|)$/i;

/** Adds the options `job add` and `job edit` share. */
function jobOptions(c: Command): Command {
  return c
    .option('--source <path>', 'a folder to back up, local or REMOTE:PATH (repeat for several)', collect)
    .option('--snapshot <dir>', 'rsync hard-link snapshots in a local/NAS folder (repeat for several)', collect)
    .option('--mirror <remote:path>', 'versioned rclone mirror: current/ plus versions/<time>/ (repeat for several)', collect)
    .option('--copy <dest>', 'additive rclone copy to REMOTE:PATH or a local folder (repeat for several)', collect)
    .option('--schedule <cron>', 'when to run, as cron (e.g. "0 3 * * *"); "manual" for none')
    .option('--exclude <glob>', 'leave out matching files (repeat for several)', collect)
    .option('--bwlimit <rate>', 'bandwidth limit of copies and mirrors, e.g. "4M" or "08:00,512k 23:00,off"; "off" for none')
    .option('--transfers <n>', 'files copied in parallel by copies and mirrors (rclone default 4)')
    .option('--checkers <n>', 'files compared in parallel by copies and mirrors (rclone default 8)')
    .option('--checksum', 'copies and mirrors compare files by checksum instead of size and time')
    .option('--keep-last <n>', 'retention: keep the newest N restore points')
    .option('--keep-daily <n>', 'retention: keep one a day for N days (defaults: last 10, 14 daily, 8 weekly, 12 monthly)')
    .option('--keep-weekly <n>', 'retention: keep one a week for N weeks (default 8)')
    .option('--keep-monthly <n>', 'retention: keep one a month for N months (default 12)')
    .option('--verify', 'after copying, check every file arrived intact')
    .option('--stale-days <n>', 'warn when no backup succeeded for N days (default 3; "never" for no warning)');
}

/** The destinations given on the command line, as typed (the core refuses relative paths). */
function destinationsFrom(o: JobOptions) {
  return [
    ...(o.snapshot ?? []).map((d) => ({ kind: 'snapshot' as const, target: d })),
    ...(o.mirror ?? []).map((d) => ({ kind: 'mirror' as const, target: d })),
    ...(o.copy ?? []).map((d) => ({ kind: 'copy' as const, target: d })),
  ];
}

/** Retention from the --keep-* options over a base (the defaults for a new job with restore points). */
function retentionFrom(o: JobOptions, base: RetentionPolicy | null | undefined, hasRestorePoints: boolean) {
  const given = [o.keepLast, o.keepDaily, o.keepWeekly, o.keepMonthly].some((v) => v !== undefined);
  if (!given) return base ?? (hasRestorePoints ? { ...defaultRetention } : null);
  const from = base ?? (hasRestorePoints ? defaultRetention : {});
  const pick = (v: string | undefined, old: number | undefined) => (v === undefined ? old : num(v));
  return { keepLast: pick(o.keepLast, from.keepLast), keepDaily: pick(o.keepDaily, from.keepDaily), keepWeekly: pick(o.keepWeekly, from.keepWeekly), keepMonthly: pick(o.keepMonthly, from.keepMonthly) };
}

/** The request of `job add`, or of `job edit` over the job as it is: options given replace its settings. */
function jobInput(name: string, o: JobOptions, old: Job | null) {
  const given = destinationsFrom(o);
  const destinations = given.length > 0 || !old ? given : old.destinations.map((d) => ({ kind: d.kind, target: d.target }));
  return {
    name: o.rename ?? name,
    sources: o.source ? o.source.map(sourcePath) : [...(old?.sources ?? [])],
    destinations,
    excludes: [...(o.exclude ?? old?.excludes ?? [])],
    schedule: o.schedule !== undefined ? (NONE.test(o.schedule.trim()) ? null : o.schedule) : (old?.schedule ?? null),
    bwlimit: o.bwlimit !== undefined ? (NONE.test(o.bwlimit.trim()) ? null : o.bwlimit) : (old?.bwlimit ?? null),
    retention: retentionFrom(o, old?.retention, destinations.some((d) => d.kind !== 'copy')),
    transfers: o.transfers !== undefined ? num(o.transfers) : (old?.transfers ?? null),
    checkers: o.checkers !== undefined ? num(o.checkers) : (old?.checkers ?? null),
    checksum: o.checksum ?? old?.checksum ?? false,
    verify: o.verify ?? old?.verify ?? false,
    staleAfterDays: o.staleDays !== undefined ? (NONE.test(o.staleDays.trim()) ? null : num(o.staleDays)) : old ? (old.staleAfterDays ?? null) : 3,
  };
}

/** What a saved job looks like, and the notes about its destinations. */
async function describeSaved(ctx: CliContext, verb: string, job: Job): Promise<void> {
  process.stdout.write(`${verb} job "${job.name}": ${job.sources.join(', ')} → ${job.destinations.map((d) => `${d.target} (${d.kind})`).join(', ')}\n`);
  for (const d of job.destinations) {
    if (d.kind === 'snapshot') continue;
    const info = await ctx.call('jobs:destination-info', { target: d.target });
    if (info.note) process.stdout.write(`Note: ${info.note}\n`);
  }
  const unused = optionsNotApplying(job, 'cli');
  if (unused) process.stdout.write(`Note: ${unused}\n`);
}

/** Registers the job commands. */
export function registerJobCommands(program: Command, ctx: CliContext): void {
  const job = program.command('job').description('create, change, list and remove backup jobs');

  jobOptions(job.command('add').description('create a backup job').argument('<name>', 'a name for the job, e.g. "Music"')).action(async (name: string, o: JobOptions) => {
    const created = await ctx.call('jobs:add', jobInput(name, o, null));
    if (ctx.options().json) return printJson(created);
    await describeSaved(ctx, 'Created', created);
    process.stdout.write(`Run it now with: reprise run ${JSON.stringify(created.name)}\n`);
  });

  jobOptions(
    job
      .command('edit')
      .description('change a job: the options given replace its settings (--snapshot/--mirror/--copy together are its new destinations); the rest stay')
      .argument('<name>', 'the job to change')
      .option('--rename <name>', 'a new name for the job'),
  )
    .option('--no-verify', 'stop verifying after each backup')
    .option('--no-checksum', 'compare by size and time again')
    .action(async (name: string, o: JobOptions) => {
      const list = await ctx.call('jobs:list', {});
      const old = list.find((s) => s.job.name.toLowerCase() === name.toLowerCase())?.job;
      if (!old) {
        const names = list.map((s) => `"${s.job.name}"`);
        throw new CliFailure({ kind: 'not-found', message: `There is no job named "${name}".`, hint: names.length ? `Jobs: ${names.join(', ')}.` : 'Create one with "reprise job add".' }, exitCodes.usage);
      }
      const saved = await ctx.call('jobs:update', { id: old.id, ...jobInput(old.name, o, old) });
      if (ctx.options().json) return printJson(saved);
      await describeSaved(ctx, 'Changed', saved);
    });

  job
    .command('list')
    .description('list jobs')
    .action(async () => {
      const list = await ctx.call('jobs:list', {});
      if (ctx.options().json) return printJson(list.map((s) => s.job));
      if (list.length === 0) {
        process.stdout.write('No jobs yet. Create one with: reprise job add Music --source ~/Music --copy /media/backup\n');
        return;
      }
      printTable(
        ['NAME', 'SOURCES', 'DESTINATIONS', 'SCHEDULE'],
        list.map(({ job }) => [job.name, job.sources.join(', '), job.destinations.map((d) => `${d.target} (${d.kind})`).join(', '), job.schedule ? describeCron(job.schedule, runtimeLocale()) : 'Only when run by hand']),
      );
    });

  job
    .command('remove')
    .description('remove a job (its backups are kept)')
    .argument('<name>')
    .action(async (name: string) => {
      const res = await ctx.call('jobs:remove', { name });
      if (ctx.options().json) return printJson(res);
      process.stdout.write(`Removed job "${res.removed}". Its backups were left where they are.\n`);
    });

  program
    .command('status')
    .description('last result and next run per job')
    .action(async () => {
      const list = await ctx.call('jobs:list', {});
      if (ctx.options().json) return printJson(list);
      if (list.length === 0) {
        process.stdout.write('No jobs yet. Create one with: reprise job add Music --source ~/Music --copy /media/backup\n');
        return;
      }
      const now = Date.now();
      printTable(
        ['JOB', 'LAST RESULT', 'WHEN', 'NEXT RUN'],
        list.map((s) => [
          s.job.name,
          s.runningId ? 'Running' : s.lastRun ? outcomeWords[s.lastRun.outcome] : 'Never run',
          s.lastRun ? formatRelative(s.lastRun.startedAt, now) : '—',
          s.nextRun ? `${formatRelative(s.nextRun, now)} (${formatWhen(s.nextRun, now)})` : s.job.schedule ? describeCron(s.job.schedule, runtimeLocale()) : 'Only when run by hand',
        ]),
      );
    });
}

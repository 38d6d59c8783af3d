// `reprise job add|list|remove`.
import type { Command } from 'commander';
import { formatAgo } from '../../../shared/format.js';
import { defaultRetention } from '../../../shared/restore.js';
import type { CliContext } from '../context.js';
import { printJson, printTable } from '../output.js';
import { destinationPath, sourcePath } from '../paths.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface JobAddOptions {
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
  staleDays?: string;
}

/** Retention from the --keep-* options: the defaults (last 10, 14 daily, 8 weekly, 12 monthly) unless any is given. */
function retentionFrom(o: JobAddOptions, hasRestorePoints: boolean) {
  const given = [o.keepLast, o.keepDaily, o.keepWeekly, o.keepMonthly].some((v) => v !== undefined);
  if (!given) return hasRestorePoints ? { ...defaultRetention } : null;
  // Non-numbers stay as they are, so the request schema names the bad option.
  const n = (v: string | undefined) => (v === undefined ? undefined : Number.isNaN(Number(v)) ? v : Number(v));
  return { keepLast: n(o.keepLast), keepDaily: n(o.keepDaily), keepWeekly: n(o.keepWeekly), keepMonthly: n(o.keepMonthly) };
}

/** Registers the job commands. */
export function registerJobCommands(program: Command, ctx: CliContext): void {
  const job = program.command('job').description('create, list and remove backup jobs');

  job
    .command('add')
    .description('create a backup job')
    .argument('<name>', 'a name for the job, e.g. "Music"')
    .option('--source <path>', 'a folder to back up, local or REMOTE:PATH (repeat for several)', collect)
    .option('--snapshot <dir>', 'rsync hard-link snapshots in a local/NAS folder (repeat for several)', collect)
    .option('--mirror <remote:path>', 'versioned rclone mirror: current/ plus versions/<time>/ (repeat for several)', collect)
    .option('--copy <dest>', 'additive rclone copy to REMOTE:PATH or a local folder (repeat for several)', collect)
    .option('--schedule <cron>', 'when to run, as cron (e.g. "0 3 * * *")')
    .option('--exclude <glob>', 'leave out matching files (repeat for several)', collect)
    .option('--bwlimit <rate>', 'bandwidth limit, e.g. "4M" or "08:00,512k 23:00,off"')
    .option('--keep-last <n>', 'retention: keep the newest N restore points')
    .option('--keep-daily <n>', 'retention: keep one a day for N days (defaults: last 10, 14 daily, 8 weekly, 12 monthly)')
    .option('--keep-weekly <n>', 'retention: keep one a week for N weeks (default 8)')
    .option('--keep-monthly <n>', 'retention: keep one a month for N months (default 12)')
    .option('--verify', 'after copying, check every file arrived intact')
    .option('--stale-days <n>', 'warn when no backup succeeded for N days (default 3)')
    .action(async (name: string, o: JobAddOptions) => {
      const destinations = [
        ...(o.snapshot ?? []).map((d) => ({ kind: 'snapshot' as const, target: destinationPath(d) })),
        ...(o.mirror ?? []).map((d) => ({ kind: 'mirror' as const, target: destinationPath(d) })),
        ...(o.copy ?? []).map((d) => ({ kind: 'copy' as const, target: destinationPath(d) })),
      ];
      const created = await ctx.call('jobs:add', {
        name,
        sources: (o.source ?? []).map(sourcePath),
        destinations,
        excludes: o.exclude ?? [],
        schedule: o.schedule ?? null,
        bwlimit: o.bwlimit ?? null,
        retention: retentionFrom(o, destinations.some((d) => d.kind !== 'copy')),
        verify: o.verify ?? false,
        ...(o.staleDays !== undefined ? { staleAfterDays: Number(o.staleDays) } : {}),
      });
      if (ctx.options().json) return printJson(created);
      process.stdout.write(`Created job "${created.name}": ${created.sources.join(', ')} → ${created.destinations.map((d) => `${d.target} (${d.kind})`).join(', ')}\n`);
      for (const d of created.destinations) {
        if (d.kind === 'snapshot') continue;
        const info = await ctx.call('jobs:destination-info', { target: d.target });
        if (info.note) process.stdout.write(`Note: ${info.note}\n`);
      }
      process.stdout.write(`Run it now with: reprise run ${JSON.stringify(created.name)}\n`);
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
        list.map(({ job }) => [job.name, job.sources.join(', '), job.destinations.map((d) => `${d.kind}:${d.target}`).join(', '), job.schedule ?? 'manual']),
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
          s.runningId ? 'running' : (s.lastRun?.outcome ?? 'never run'),
          s.lastRun ? formatAgo(s.lastRun.startedAt, now) : '—',
          s.nextRun ? new Date(s.nextRun).toLocaleString() : s.job.schedule ? s.job.schedule : 'manual',
        ]),
      );
    });
}

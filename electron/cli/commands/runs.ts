// `reprise run NAME` and `reprise history [NAME]`.
import type { Command } from 'commander';
import type { Bridge } from '../../../shared/contract.js';
import { formatBytes, formatDuration, formatWhen, plural } from '../../../shared/format.js';
import type { RunSummary } from '../../../shared/model.js';
import { outcomeSymbols as symbol, outcomeWords } from '../../../shared/outcome-words.js';
import { plainError } from '../../../shared/run-words.js';
import { type CliContext, CliFailure, exitCodes, valueOf } from '../context.js';
import { printError, printEvent, printJson, printTable } from '../output.js';
import { progressPrinter } from '../progress-bar.js';

/** The process exit code for a run's outcome: 0 only when every destination succeeded. */
export function exitCodeFor(run: RunSummary): number {
  switch (run.outcome) {
    case 'success':
      return exitCodes.ok;
    case 'partial':
    case 'skipped':
      return exitCodes.partial;
    case 'cancelled':
      return exitCodes.cancelled;
    default:
      return exitCodes.failed;
  }
}

const triggerWords: Record<RunSummary['trigger'], string> = { schedule: 'scheduled', 'catch-up': 'caught up', manual: 'by hand', cli: 'command line' };

/** Waits through the contract (runs:wait) until the run ended, however long it takes. */
export async function waitForRun(client: Bridge, runId: number): Promise<RunSummary> {
  for (;;) {
    const r = await client.invoke('runs:wait', { runId, timeoutMs: 3600_000 });
    if (r.ok) return r.value;
    // "Still running" after an hour: ask again.
    if (r.error.kind !== 'busy') return valueOf(r);
  }
}

/** Registers run and history. */
export function registerRunCommands(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run a job now; exits 0 only when every destination succeeded')
    .argument('<name>')
    .option('--dry-run', 'show what would be copied, change nothing')
    .option('--full', 'mirrors: list the remote and sync everything (finds changes made there), instead of sending only what changed')
    .action(async (name: string, o: { dryRun?: boolean; full?: boolean }) => {
      const json = ctx.options().json ?? false;
      const client = ctx.client();
      const bar = progressPrinter();
      let runId = -1;
      let opId: string | null = null;
      const offProgress = client.on('runs:progress', (p) => {
        if (p.runId !== runId) return;
        if (json) printEvent('progress', p);
        else bar.update(p);
      });
      // Ctrl-C cancels the run (recorded as cancelled, exit 130); a second one quits at once. The
      // handlers are in place before the run starts (its children start at once), and stay in
      // place until it ended: with `once`, execa's exit hook could find no listener and re-raise
      // the signal, ending the process before the run recorded how it ended.
      let signals = 0;
      const cancel = () => (opId ? void client.invoke('ops:cancel', { id: opId }) : undefined);
      const onSignal = () => {
        if (++signals > 1) process.exit(exitCodes.cancelled);
        cancel();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let run;
      try {
        const started = await ctx.call('runs:start', { name, dryRun: o.dryRun ?? false, trigger: 'cli', full: o.full ?? false });
        // This process's queue is empty, so the run starts at once; null would mean a bug.
        if (started.runId === null) throw new CliFailure({ kind: 'internal', message: `The run of "${name}" did not start.` }, exitCodes.failed);
        runId = started.runId;
        opId = started.opId;
        if (signals > 0) cancel();
        if (json) printEvent('started', { runId });
        else process.stderr.write(`Backing up "${name}" (run ${runId})…\n`);
        run = await waitForRun(client, runId);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      offProgress();
      bar.done();
      if (json) printEvent('finished', run);
      else {
        for (const d of run.destinations) {
          process.stdout.write(`${symbol[d.outcome]} ${d.target}: ${outcomeWords[d.outcome]} — ${formatBytes(d.bytes)}, ${plural(d.files, 'file')}${d.requests !== undefined ? `, ${plural(d.requests, 'request')}` : ''}${d.sync ? ` (${d.sync === 'full' ? 'full check' : 'top-up'})` : ''}${d.firstError ? ` — ${plainError(d.firstError)}` : ''}\n`);
        }
        const took = run.endedAt ? formatDuration((run.endedAt - run.startedAt) / 1000) : '';
        // A run that failed before any destination (a missing source) says why, not just "failed".
        const why = run.firstError && !run.destinations.some((d) => d.firstError === run.firstError) ? ` — ${plainError(run.firstError).replace(/\.$/, '')}` : '';
        process.stdout.write(`${symbol[run.outcome]} ${run.jobName}: ${outcomeWords[run.outcome]}${o.dryRun ? ' (dry run)' : ''} in ${took}${why}. Log: ${run.logPath}\n`);
      }
      process.exitCode = exitCodeFor(run);
    });

  program
    .command('changes')
    .description('what a run added, changed and deleted, per destination (default: the newest run)')
    .argument('<name>')
    .argument('[run]', 'run number (from "reprise history")')
    .option('--limit <n>', 'paths listed per destination', '200')
    .action(async (name: string, runArg: string | undefined, o: { limit: string }) => {
      const runs = await ctx.call('runs:history', { name, limit: 1000 });
      const wanted = runArg === undefined ? runs.find((r) => !r.dryRun && r.outcome !== 'running') : runs.find((r) => String(r.id) === runArg);
      if (!wanted) {
        printError({ kind: 'not-found', message: runArg === undefined ? `"${name}" has no finished runs yet.` : `"${name}" has no run ${runArg}.`, hint: 'List the runs with "reprise history NAME".' }, ctx.options().json ?? false);
        process.exitCode = exitCodes.usage;
        return;
      }
      const limit = Math.max(1, Math.min(1000, Number(o.limit) || 200));
      const first = await ctx.call('runs:changes', { runId: wanted.id, offset: 0, limit: 1 });
      const destinations = [];
      for (const c of first.counts) {
        const page = await ctx.call('runs:changes', { runId: wanted.id, destId: c.destId, offset: 0, limit });
        const d = wanted.destinations.find((x) => x.destId === c.destId);
        destinations.push({ ...c, target: d?.target ?? c.destId, kind: d?.kind ?? null, total: page.total, entries: page.entries });
      }
      const failures = await ctx.call('runs:failures', { runId: wanted.id, limit: 10_000 });
      if (ctx.options().json) return printJson({ runId: wanted.id, job: wanted.jobName, startedAt: wanted.startedAt, outcome: wanted.outcome, destinations, failures: failures.files.map((f) => ({ ...f, target: wanted.destinations.find((x) => x.destId === f.destId)?.target ?? f.destId })) });
      process.stdout.write(`Run ${wanted.id} of "${wanted.jobName}", ${formatWhen(wanted.startedAt, Date.now())} (${outcomeWords[wanted.outcome]})\n`);
      if (destinations.length === 0) process.stdout.write('  Nothing changed in this run.\n');
      const mark = { added: '+', changed: '~', deleted: '-' } as const;
      for (const d of destinations) {
        process.stdout.write(`${d.target}: ${d.added} added, ${d.changed} changed, ${d.deleted} deleted (${formatBytes(d.bytes)} new data)\n`);
        for (const e of d.entries) process.stdout.write(`  ${mark[e.action]} ${e.path}\n`);
        if (d.total > d.entries.length) process.stdout.write(`  … and ${d.total - d.entries.length} more (--limit, or --json)\n`);
      }
      // Files that did not get there; the next run tries them again.
      for (const [destId, count] of Object.entries(failures.counts)) {
        const target = wanted.destinations.find((x) => x.destId === destId)?.target ?? destId;
        const files = failures.files.filter((f) => f.destId === destId);
        process.stdout.write(`${target}: ${count} file${count === 1 ? '' : 's'} not backed up (the next run tries again)\n`);
        for (const f of files.slice(0, limit)) process.stdout.write(`  ✗ ${f.path} — ${f.error}\n`);
        if (count > Math.min(limit, files.length)) process.stdout.write(`  … and ${count - Math.min(limit, files.length)} more\n`);
      }
    });

  program
    .command('history')
    .description('past runs, newest first')
    .argument('[name]', 'only this job')
    .option('--limit <n>', 'how many runs', '20')
    .action(async (name: string | undefined, o: { limit: string }) => {
      const runs = await ctx.call('runs:history', { name, limit: Number(o.limit) });
      if (ctx.options().json) return printJson(runs);
      if (runs.length === 0) {
        process.stdout.write('No runs yet.\n');
        return;
      }
      const now = Date.now();
      printTable(
        ['RUN', 'JOB', 'STARTED', 'OUTCOME', 'DATA', 'FILES', 'REQUESTS', 'TRIGGER', 'FIRST ERROR'],
        runs.map((r) => [
          String(r.id),
          r.jobName,
          formatWhen(r.startedAt, now),
          `${symbol[r.outcome]} ${outcomeWords[r.outcome]}${r.dryRun ? ' (dry run)' : ''}`,
          formatBytes(r.bytes),
          String(r.files),
          // Requests made of remotes, by rclone's count, where the destinations counted them.
          r.destinations.some((d) => d.requests !== undefined) ? String(r.destinations.reduce((n, d) => n + (d.requests ?? 0), 0)) : '',
          triggerWords[r.trigger],
          r.firstError ? plainError(r.firstError) : '',
        ]),
      );
    });
}

// `reprise snapshots NAME`, `reprise restore NAME --path REL …` and `reprise verify NAME`.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Req } from '../../../shared/contract.js';
import { formatBytes, formatWhen, plural } from '../../../shared/format.js';
import { pointOutcomeWords } from '../../../shared/outcome-words.js';
import { type CliContext, exitCodes } from '../context.js';
import { printEvent, printJson, printTable } from '../output.js';
import { localPath } from '../paths.js';
import { restoreFileCount } from '../../../shared/restore.js';

/** Registers the restore commands. */
export function registerRestoreCommands(program: Command, ctx: CliContext): void {
  program
    .command('snapshots')
    .description('restore points per destination of a job, newest first')
    .argument('<name>')
    .action(async (name: string) => {
      const dests = await ctx.call('restore:points', { name });
      if (ctx.options().json) return printJson(dests);
      if (dests.length === 0) {
        process.stdout.write(`"${name}" has no snapshot or mirror destinations; copy destinations keep no restore points.\n`);
        return;
      }
      for (const d of dests) {
        process.stdout.write(`${d.kind} ${d.target}${d.error ? ` — ${d.error}` : ''}\n`);
        for (const w of d.warnings) process.stdout.write(`  warning: ${w}\n`);
        if (d.points.length === 0 && !d.error) process.stdout.write('  no restore points yet\n');
        if (d.points.length === 0) continue;
        printTable(
          ['  ID', 'TIME', 'STATE', 'FILES', 'SIZE', 'NEW DATA', 'NOTE'],
          d.points.map((p) => [
            `  ${p.id}`,
            formatWhen(Date.parse(p.time), Date.now()),
            p.lacking > 0 ? `${pointOutcomeWords[p.outcome]} (lacks ${p.lacking})` : pointOutcomeWords[p.outcome],
            String(p.files),
            formatBytes(p.bytes),
            p.newBytes === null ? '—' : formatBytes(p.newBytes),
            [p.latest ? 'latest' : '', p.confirmedThrough ? `unchanged through ${formatWhen(Date.parse(p.confirmedThrough), Date.now())}` : ''].filter(Boolean).join(', '),
          ]),
        );
        if (d.kind === 'snapshot') {
          // Unchanged files are hard links: the points together take far less than their apparent sizes.
          const apparent = d.points.reduce((n, p) => n + p.bytes, 0);
          const real = d.points.reduce((n, p) => n + (p.newBytes ?? 0), 0);
          process.stdout.write(`  ${d.points.length} snapshots: ${formatBytes(apparent)} apparent, about ${formatBytes(real)} of data on disk\n`);
        }
      }
    });

  program
    .command('restore')
    .description('restore a file or folder from a backup into a folder, under its own name')
    .argument('<name>')
    .requiredOption('--path <rel>', 'the path inside the backup, e.g. "music/Pink Floyd/The Wall (1979)"')
    .option('--at <id>', 'restore point id, or "latest"', 'latest')
    .option('--from <dest>', 'which destination (its target, id or number); default: the newest point of any')
    .requiredOption('--to <dir>', 'the folder the item lands in (created when missing)')
    .option('--conflict <policy>', 'when a file exists with other content: skip, overwrite or keep-both', 'skip')
    .option('--dry-run', 'show what would be restored, change nothing')
    .action(async (name: string, o: { path: string; at: string; from?: string; to: string; conflict: string; dryRun?: boolean }) => {
      const json = ctx.options().json ?? false;
      const restoreId = randomUUID();
      let lastPercent = -1;
      const off = ctx.client().on('restore:progress', (p) => {
        if (p.restoreId !== restoreId) return;
        if (json) return printEvent('progress', p);
        if (p.phase === 'copying' && p.percent !== lastPercent && process.stderr.isTTY) {
          lastPercent = p.percent;
          process.stderr.write(`\r  restoring… ${p.percent}% (${formatBytes(p.bytes)})`);
        } else if (p.phase === 'verifying') process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}  verifying…            \n`);
      });
      // Ctrl-C stops rclone/rsync (in their own process groups, so the terminal's signal misses them).
      const onSignal = () => void ctx.client().invoke('ops:cancel', { id: restoreId });
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const r = await ctx.call('restore:run', { name, path: o.path, at: o.at, from: o.from, to: localPath(o.to), policy: o.conflict as Req<'restore:run'>['policy'] /* checked by the schema, which names the choices */, dryRun: o.dryRun ?? false, restoreId });
        if (json) {
          // NDJSON like `run --json`: progress lines, then the result.
          printEvent('finished', r);
          if (r.verified === false) process.exitCode = exitCodes.failed;
          return;
        }
        const verb = r.dryRun ? 'Would restore' : 'Restored';
        process.stdout.write(`${verb} "${o.path}" from ${r.target} @ ${r.pointId} to ${r.restoredTo}\n`);
        process.stdout.write(`  ${r.createFiles} new, ${r.overwriteFiles} overwritten, ${r.skipFiles} kept as they were${r.keepBothFiles ? `, ${r.keepBothFiles} restored beside a different existing file` : ''} (${formatBytes(r.bytes)})\n`);
        if (r.dryRun) {
          for (const i of r.items.slice(0, 200)) process.stdout.write(`  ${i.action.padEnd(9)} ${i.path} (${formatBytes(i.size)})\n`);
          // The preview names a few hundred files; the counts above are of all of them.
          const all = restoreFileCount(r);
          const shown = Math.min(200, r.items.length);
          if (all > shown) process.stdout.write(`  … and ${all - shown} more\n`);
          return;
        }
        if (r.verified) process.stdout.write(`✓ verified: ${plural(r.checked, 'entry', 'entries')} ${r.checked === 1 ? 'matches' : 'match'} the restore point's record${r.keptExisting.length ? ` (${r.keptExisting.length} existing files kept by the skip policy)` : ''}\n`);
        else {
          if (r.missing.length > 0) {
            process.stdout.write(`✗ incomplete: ${plural(r.missing.length, 'entry', 'entries')} of the restore point could not be restored:\n`);
            for (const m of r.missing.slice(0, 50)) process.stdout.write(`  ${m}\n`);
          }
          if (r.mismatches.length > 0) {
            process.stdout.write(`✗ ${plural(r.mismatches.length, 'entry', 'entries')} differ from the restore point's record:\n`);
            for (const m of r.mismatches.slice(0, 50)) process.stdout.write(`  ${m}\n`);
          }
          process.exitCode = exitCodes.failed;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        off();
      }
    });

  program
    .command('verify')
    .description('check the newest restore point of each destination against its record')
    .argument('<name>')
    .option('--deep', 'also read every stored file back and compare its content hash with the record')
    .action(async (name: string, o: { deep?: boolean }) => {
      const results = await ctx.call('verify:run', { name, deep: o.deep ?? false });
      if (ctx.options().json) printJson(results);
      else {
        for (const r of results) {
          const head = r.ok ? '✓' : '✗';
          const what = r.kind === 'copy' ? 'the sources' : 'its record';
          const matched = r.checked !== undefined ? `${plural(r.checked, 'entry', 'entries')} match ${what}${r.deep ? ', content hashes included' : ''}` : `matches ${what}`;
          process.stdout.write(`${head} ${r.kind} ${r.target}${r.pointId ? ` @ ${r.pointId}` : ''}: ${r.error ?? (r.differences === 0 ? matched : `${plural(r.differences, 'difference')} from ${what}`)}\n`);
          for (const s of r.sample) process.stdout.write(`    ${s}\n`);
        }
      }
      if (results.some((r) => !r.ok)) process.exitCode = exitCodes.failed;
    });
}

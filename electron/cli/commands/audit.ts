// `reprise audit`: the audit log — what changed remotes and the rclone config, and every run.
import type { Command } from 'commander';
import { formatBytes } from '../../../shared/format.js';
import type { CliContext } from '../context.js';
import { printJson, printTable } from '../output.js';

/** Registers audit. */
export function registerAuditCommand(program: Command, ctx: CliContext): void {
  program
    .command('audit')
    .description('the audit log: file operations, remote and config changes, and runs, newest first')
    .option('--limit <n>', 'entries shown', '50')
    .option('--operation <prefix>', 'only operations starting with this, e.g. "files", "remote", "run"')
    .action(async (o: { limit: string; operation?: string }) => {
      const entries = await ctx.call('audit:list', { limit: Math.max(1, Math.min(10_000, Number(o.limit) || 50)), ...(o.operation ? { operation: o.operation } : {}) });
      if (ctx.options().json) return printJson(entries);
      if (entries.length === 0) {
        process.stdout.write('Nothing in the audit log yet.\n');
        return;
      }
      printTable(
        ['TIME', 'WHO', 'OPERATION', 'FROM', 'TO', 'RESULT', 'FILES', 'SIZE'],
        entries.map((e) => [new Date(e.at).toLocaleString(), e.actor, e.operation, e.source ?? '', e.destination ?? '', e.result, String(e.files), formatBytes(e.bytes)]),
      );
    });
}

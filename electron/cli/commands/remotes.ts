// `reprise remote list`.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { printJson, printTable } from '../output.js';

/** Registers the remote commands. */
export function registerRemoteCommands(program: Command, ctx: CliContext): void {
  const remote = program.command('remote').description('the remotes in your rclone config');
  remote
    .command('list')
    .description('list rclone remotes')
    .action(async () => {
      const remotes = await ctx.call('remotes:list', {});
      if (ctx.options().json) return printJson(remotes);
      if (remotes.length === 0) {
        process.stdout.write('No rclone remotes configured.\n');
        return;
      }
      printTable(['NAME', 'TYPE'], remotes.map((r) => [r.name, r.type]));
    });
}

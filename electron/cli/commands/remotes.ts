// `reprise remote list | add NAME TYPE [KEY=VALUE…] | test NAME | remove NAME [--force]`.
import type { Command } from 'commander';
import type { AuthorizeUpdate } from '../../../shared/remotes/types.js';
import { type CliContext, CliFailure, exitCodes } from '../context.js';
import { printJson, printTable } from '../output.js';
import { fillDashValues } from '../secret-input.js';

// Splits KEY=VALUE arguments; the value may itself contain "=".
export function parseOptionPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) {
      throw new CliFailure({ kind: 'invalid-request', message: `"${pair}" is not KEY=VALUE.`, hint: 'Example: reprise remote add nas sftp host=nas.local user=me pass=-' }, exitCodes.usage);
    }
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

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
        process.stdout.write('No rclone remotes configured. Add one with "reprise remote add NAME TYPE KEY=VALUE…".\n');
        return;
      }
      printTable(
        ['NAME', 'TYPE', 'ENCRYPTED'],
        remotes.map((r) => [r.name, r.provider ? `${r.type} (${r.provider})` : r.type, r.isCrypt ? `yes, wraps ${r.wraps ?? '?'}` : '']),
      );
    });

  remote
    .command('add')
    .description('add a remote: reprise remote add NAME TYPE [KEY=VALUE…] (passwords are obscured for you; KEY=- asks for the value, or reads it from stdin)')
    .argument('<name>', 'the remote name')
    .argument('<type>', 'the storage type, as in "rclone config providers" (s3, b2, drive, sftp, webdav …)')
    .argument('[options...]', 'KEY=VALUE options of that type')
    .action(async (name: string, type: string, pairs: string[]) => {
      const options = await fillDashValues(parseOptionPairs(pairs), `remote "${name}"`);
      const updates: AuthorizeUpdate[] = [];
      let wake: (() => void) | null = null;
      const off = ctx.client().on('remotes:authorize', (u) => {
        updates.push(u);
        wake?.();
      });
      try {
        const out = await ctx.call('remotes:add', { name, type, options });
        if (out.status === 'done') {
          if (ctx.options().json) return printJson(out.remote);
          process.stdout.write(`Added remote "${out.remote.name}" (${out.remote.type}).\n`);
          return;
        }
        // OAuth: show the link, wait for the browser sign-in; Ctrl-C cancels it.
        const cancel = () => void ctx.client().invoke('ops:cancel', { id: out.sessionId });
        process.once('SIGINT', cancel);
        let shownLink = false;
        for (;;) {
          const mine = updates.filter((u) => u.sessionId === out.sessionId);
          const last = mine.at(-1);
          const link = mine.find((u) => u.link)?.link;
          if (link && !shownLink) {
            shownLink = true;
            if (ctx.options().json) printJson({ status: 'waiting', link });
            else process.stdout.write(`Open this link in a browser on this computer to sign in:\n  ${link}\n(Ctrl-C cancels.)\n`);
          }
          if (last && (last.state === 'done' || last.state === 'failed' || last.state === 'cancelled')) {
            process.off('SIGINT', cancel);
            if (last.state === 'done') {
              if (ctx.options().json) printJson({ status: 'done', name });
              else process.stdout.write(`Signed in; added remote "${name}".\n`);
              return;
            }
            throw new CliFailure({ kind: last.state === 'cancelled' ? 'cancelled' : 'unauthorized', message: last.message ?? 'Sign-in did not finish.' }, last.state === 'cancelled' ? exitCodes.cancelled : exitCodes.failed);
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        off();
      }
    });

  remote
    .command('edit')
    .description('change options of a remote: reprise remote edit NAME KEY=VALUE… (KEY=- asks for the value, or reads it from stdin)')
    .argument('<name>', 'the remote name')
    .argument('<options...>', 'KEY=VALUE options to set')
    .action(async (name: string, pairs: string[]) => {
      const options = await fillDashValues(parseOptionPairs(pairs), `remote "${name}"`);
      const out = await ctx.call('remotes:update', { name, options });
      if (ctx.options().json) return printJson(out);
      process.stdout.write(`Changed remote "${out.name}" (${out.type}).\n`);
    });

  remote
    .command('test')
    .description('check that a remote answers (exit 0 when it does)')
    .argument('<name>', 'the remote name')
    .option('--timeout <seconds>', 'give up after this many seconds', '20')
    .action(async (name: string, opts: { timeout: string }) => {
      const seconds = Number(opts.timeout);
      if (!Number.isFinite(seconds) || seconds < 1 || seconds > 120) {
        throw new CliFailure({ kind: 'invalid-request', message: '--timeout must be between 1 and 120 seconds.' }, exitCodes.usage);
      }
      const result = await ctx.call('remotes:test', { name, timeoutMs: Math.round(seconds * 1000) });
      if (ctx.options().json) printJson(result);
      else if (result.ok) process.stdout.write(`"${name}" works (${result.entries === 0 ? 'empty — ready for the first backup' : `${result.entries} item${result.entries === 1 ? '' : 's'} at the top`}).\n`);
      if (!result.ok) {
        if (ctx.options().json) {
          process.exitCode = exitCodes.failed;
          return;
        }
        throw new CliFailure({ kind: 'exit-code', message: `"${name}" does not work: ${result.reason}`, ...(result.details ? { detail: result.details } : {}) }, exitCodes.failed);
      }
    });

  remote
    .command('remove')
    .description('delete a remote from the rclone config (refused while a job uses it)')
    .argument('<name>', 'the remote name')
    .option('--force', 'delete it even though jobs use it')
    .action(async (name: string, opts: { force?: boolean }) => {
      const out = await ctx.call('remotes:remove', { name, force: opts.force ?? false });
      if (ctx.options().json) return printJson(out);
      process.stdout.write(`Removed remote "${out.removed}".\n`);
    });
}

// `reprise alerts`: show or change how failures reach a headless user (webhook, success notes).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { printJson } from '../output.js';

/** Registers alerts. */
export function registerAlertCommands(program: Command, ctx: CliContext): void {
  program
    .command('alerts')
    .description('show or set notifications: a webhook (JSON POST) and whether successes notify too')
    .option('--webhook <url>', 'POST every notification as JSON to this URL (ntfy, a chat webhook …)')
    .option('--no-webhook', 'stop posting to the webhook')
    .option('--notify-success', 'also notify when a backup succeeds')
    .option('--no-notify-success', 'only notify about problems (the default)')
    .action(async (o: { webhook?: string | false; notifySuccess?: boolean }) => {
      let settings = await ctx.call('alerts:get', {});
      if (o.webhook !== undefined || o.notifySuccess !== undefined) {
        settings = await ctx.call('alerts:set', {
          notifyOnSuccess: o.notifySuccess ?? settings.notifyOnSuccess,
          webhookUrl: o.webhook === undefined ? settings.webhookUrl : o.webhook === false ? null : o.webhook,
        });
      }
      if (ctx.options().json) return printJson(settings);
      process.stdout.write(`Webhook: ${settings.webhookUrl ?? 'off'}\nSuccess notifications: ${settings.notifyOnSuccess ? 'on' : 'off'}\n`);
    });
}

// `reprise cancel NAME`, `reprise pause [1h|tomorrow|until-resumed]`, `reprise resume`.
import type { Command } from 'commander';
import { setTimeout as delay } from 'node:timers/promises';
import { formatWhen } from '../../../shared/format.js';
import type { PauseChoiceId } from '../../../shared/tray-state.js';
import { type CliContext, CliFailure, exitCodes } from '../context.js';
import { printJson } from '../output.js';

const choices: Record<string, PauseChoiceId> = { '1h': 'one-hour', 'one-hour': 'one-hour', tomorrow: 'until-tomorrow', 'until-tomorrow': 'until-tomorrow', 'until-resumed': 'until-resumed', indefinitely: 'until-resumed' };

/** Registers cancel, pause and resume. */
export function registerScheduleCommands(program: Command, ctx: CliContext): void {
  program
    .command('cancel')
    .description('cancel a running backup of a job (here, in the app or in "reprise serve")')
    .argument('<name>')
    .action(async (name: string) => {
      const res = await ctx.call('jobs:cancel', { name });
      const holder = async () => (await ctx.call('jobs:holder', { name })).holder;
      if (res.where === 'other-process') {
        // The run belongs to another process; it sees the request within a second and stops its
        // children. Wait until it has let go of the job, so "cancelled" means it.
        for (let i = 0; i < 150 && (await holder()); i++) await delay(200);
      }
      const stillRunning = (await holder()) !== null;
      if (ctx.options().json) return printJson({ ...res, stillRunning });
      if (!res.cancelled) {
        throw new CliFailure({ kind: 'not-found', message: `"${name}" is not running.` }, exitCodes.usage);
      }
      process.stdout.write(stillRunning ? `Asked "${name}" to stop; it is still finishing.\n` : `Cancelled the backup of "${name}".\n`);
    });

  program
    .command('pause')
    .description('pause every schedule: 1h, tomorrow, or until-resumed (the default)')
    .argument('[for]', '1h | tomorrow | until-resumed', 'until-resumed')
    .action(async (when: string) => {
      const choice = choices[when];
      if (!choice) throw new CliFailure({ kind: 'invalid-request', message: `"${when}" is not a pause length.`, hint: 'Use 1h, tomorrow or until-resumed.' }, exitCodes.usage);
      const p = await ctx.call('scheduler:pause', { choice });
      if (ctx.options().json) return printJson(p);
      process.stdout.write(p.untilMs === null ? 'Schedules paused until you run "reprise resume".\n' : `Schedules paused until ${formatWhen(p.untilMs, Date.now())}.\n`);
    });

  program
    .command('resume')
    .description('resume paused schedules and show what the pause skipped')
    .action(async () => {
      const r = await ctx.call('scheduler:resume', {});
      if (ctx.options().json) return printJson(r);
      const names = new Map((await ctx.call('jobs:list', {})).map((s) => [s.job.id, s.job.name]));
      if (r.skipped.length === 0) process.stdout.write('Schedules resumed; no scheduled run was skipped.\n');
      else {
        process.stdout.write('Schedules resumed. Skipped while paused:\n');
        for (const s of r.skipped) process.stdout.write(`  ${names.get(s.jobId) ?? s.jobId}: ${s.count} run${s.count === 1 ? '' : 's'} (last due ${formatWhen(s.lastSlotMs, Date.now())})\n`);
      }
    });
}

// The `reprise` command line: the plain-Node composition root (serve included).
import { Command, CommanderError } from 'commander';
import { fileURLToPath } from 'node:url';
import { repriseVersion } from '../core/api/host.js';
import { CliFailure, type GlobalOptions, cliContext, exitCodes } from './context.js';
import { printError } from './output.js';
import { registerJobCommands } from './commands/jobs.js';
import { registerRemoteCommands } from './commands/remotes.js';
import { registerRunCommands } from './commands/runs.js';
import { registerServeCommand } from './commands/serve.js';
import { registerRestoreCommands } from './commands/restore.js';
import { registerScheduleCommands } from './commands/schedule.js';
import { registerAlertCommands } from './commands/alerts.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerFileCommands } from './commands/files.js';

/** Builds the program; exported for tests. */
export function buildProgram() {
  const program = new Command('reprise');
  const ctx = cliContext(() => program.opts<GlobalOptions>());
  program
    .description('Reprise keeps your music library (and any folder) backed up with rclone and rsync.')
    .version(repriseVersion(), '-V, --version')
    .option('--data-dir <dir>', 'settings, history and logs (default: $REPRISE_DATA_DIR or the OS app-data folder)')
    .option('--rclone-config <file>', 'the rclone config file to use (default: $RCLONE_CONFIG or rclone\'s own)')
    .option('--json', 'machine-readable output')
    .showHelpAfterError('(run "reprise --help" for usage)')
    .exitOverride();
  registerRemoteCommands(program, ctx);
  registerJobCommands(program, ctx);
  registerRunCommands(program, ctx);
  registerRestoreCommands(program, ctx);
  registerScheduleCommands(program, ctx);
  registerAlertCommands(program, ctx);
  registerAuditCommand(program, ctx);
  registerFileCommands(program, ctx);
  registerServeCommand(program, ctx);
  for (const c of program.commands) c.exitOverride();
  return { program, ctx };
}

/** Runs the CLI with argv; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : exitCodes.usage;
    }
    const json = program.opts<GlobalOptions>().json ?? false;
    if (e instanceof CliFailure) {
      printError(e.error, json);
      return e.exitCode;
    }
    printError({ kind: 'internal', message: e instanceof Error ? e.message : String(e) }, json);
    return exitCodes.failed;
  } finally {
    await ctx.closeCore();
  }
}

/**
 * Exits once what was written to stdout and stderr has gone out. Writes to a pipe or socket can be
 * asynchronous (measured: a child of execa lost the last 30-130 of 300 lines in 4 runs of 10 when
 * it called process.exit right after writing), so `reprise … | reader` could end mid-output.
 */
export async function exitWhenWritten(code: number): Promise<never> {
  const written = (s: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => (s.destroyed || !s.writable ? resolve() : s.write('', () => resolve())));
  await Promise.all([written(process.stdout), written(process.stderr)]);
  process.exit(code);
}

/**
 * A reader that went away (`reprise changes Music | head`) is no failure: what would have gone to it
 * is dropped, quietly, and the command goes on (a backup is not cut short for it), as other tools do.
 */
export function ignoreClosedReader(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') throw e;
    });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  ignoreClosedReader();
  await exitWhenWritten(await main(process.argv.slice(2)));
}

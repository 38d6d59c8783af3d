// `reprise files ls|size|mkdir|copy|move|sync|delete`: file operations on any location, local or on
// an rclone remote, with a dry run that lists exactly what would happen, progress on stderr, and
// the exit codes of every command (0 done, 1 failed, 2 bad input or refused, 3 partly done, 130
// stopped). Delete and sync ask for --yes when nobody is at a terminal to see what they do.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { type FileOpResult, deleteFate } from '../../../shared/files.js';
import { formatBytes, plural } from '../../../shared/format.js';
import { type CliContext, CliFailure, exitCodes } from '../context.js';
import { printJson, printTable } from '../output.js';
import { sourcePath } from '../paths.js';

interface ChangeFlags {
  dryRun?: boolean;
  yes?: boolean;
  force?: boolean;
}
interface TransferFlags extends ChangeFlags {
  bwlimit?: string;
  checksum?: boolean;
  exclude?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Prints an operation's result and sets the exit code from its outcome. */
function report(ctx: CliContext, r: FileOpResult): void {
  if (ctx.options().json) printJson(r);
  else {
    const what = r.op === 'delete' ? 'deleted' : r.op === 'mkdir' ? 'made' : `${r.op === 'copy' ? 'copied' : r.op === 'move' ? 'moved' : 'synced'}`;
    if (r.dryRun) {
      for (const p of r.preview) process.stdout.write(`  ${p.action === 'delete' ? '-' : '+'} ${p.path}${p.size !== null ? ` (${formatBytes(p.size)})` : ''}\n`);
      process.stdout.write(`Dry run: would ${r.op === 'mkdir' ? `make ${r.destination}` : `${r.op} ${plural(r.files, 'file')}, ${formatBytes(r.bytes)}`}. Nothing was changed.\n`);
    } else if (r.outcome === 'ok') process.stdout.write(`Done: ${r.op === 'mkdir' ? `made ${r.destination}` : `${what} ${plural(r.files, 'file')}, ${formatBytes(r.bytes)}`}.\n`);
    else if (r.outcome === 'cancelled') process.stdout.write(`Stopped: ${plural(r.files, 'file')} ${what} before it stopped.\n`);
    else process.stderr.write(`reprise: ${r.outcome === 'partial' ? 'partly done' : 'failed'}: ${r.error ?? 'see above'}\n`);
  }
  process.exitCode = r.outcome === 'ok' ? exitCodes.ok : r.outcome === 'partial' ? exitCodes.partial : r.outcome === 'cancelled' ? exitCodes.cancelled : exitCodes.failed;
}

/** Delete and sync remove data: without a terminal to show it on, the caller must say --yes. */
function needYes(op: string, f: ChangeFlags): void {
  if (f.dryRun || f.yes || process.stdin.isTTY) return;
  throw new CliFailure({ kind: 'invalid-request', message: `files ${op} deletes data and no terminal is attached to confirm it.`, hint: `Look first with --dry-run, then add --yes.` }, exitCodes.usage);
}

/** Runs a changing operation with a progress line on stderr and Ctrl-C to stop it. */
async function withProgress(ctx: CliContext, run: (id: string) => Promise<FileOpResult>): Promise<FileOpResult> {
  const id = randomUUID();
  const client = ctx.client();
  const tty = process.stderr.isTTY && !ctx.options().json;
  const off = client.on('files:progress', (p) => {
    if (p.id !== id) return;
    if (ctx.options().json) process.stderr.write(`${JSON.stringify({ event: 'progress', ...p })}\n`);
    else if (tty) process.stderr.write(`\r${formatBytes(p.bytes)} of ${formatBytes(p.totalBytes)} · ${p.files} of ${p.totalFiles} files · ${formatBytes(p.speed)}/s\x1b[K`);
  });
  const stop = () => void client.invoke('ops:cancel', { id });
  process.once('SIGINT', stop);
  try {
    return await run(id);
  } finally {
    off();
    process.off('SIGINT', stop);
    if (tty) process.stderr.write('\r\x1b[K');
  }
}

/** Registers `reprise files`. */
export function registerFileCommands(program: Command, ctx: CliContext): void {
  const files = program.command('files').description('file operations on local folders and rclone remotes (REMOTE:PATH)');

  files
    .command('ls')
    .description("a folder's files and folders")
    .argument('<location>', 'REMOTE:PATH or a local folder')
    .action(async (location: string) => {
      const entries = await ctx.call('files:list', { target: sourcePath(location) });
      if (ctx.options().json) return printJson(entries);
      printTable(['NAME', 'SIZE', 'MODIFIED'], entries.map((e) => [e.isDir ? `${e.name}/` : e.name, e.isDir ? '' : formatBytes(e.size), e.modTime ? new Date(e.modTime).toLocaleString() : '']));
    });

  files
    .command('size')
    .description('how many files and bytes a location holds')
    .argument('<location>')
    .action(async (location: string) => {
      const s = await ctx.call('files:size', { target: sourcePath(location) });
      if (ctx.options().json) return printJson(s);
      process.stdout.write(`${plural(s.count, 'file')}, ${formatBytes(s.bytes)}\n`);
    });

  files
    .command('mkdir')
    .description('make a folder (and its parents)')
    .argument('<location>')
    .option('--dry-run', 'say what would happen, change nothing')
    .option('--force', 'even inside a destination Reprise manages')
    .action(async (location: string, f: ChangeFlags) => {
      report(ctx, await ctx.call('files:mkdir', { target: sourcePath(location), dryRun: f.dryRun ?? false, force: f.force ?? false }));
    });

  for (const op of ['copy', 'move', 'sync'] as const) {
    files
      .command(op)
      .description(
        op === 'copy'
          ? 'copy a file or a folder\'s content to another place (remote to remote included)'
          : op === 'move'
            ? 'move or rename a file or folder'
            : 'make a folder the same as another: files missing from the source are DELETED at the destination',
      )
      .argument('<from>')
      .argument('<to>')
      .option('--dry-run', 'list what would be copied, moved or deleted; change nothing')
      .option('--yes', 'go ahead without a terminal (needed for sync in scripts)')
      .option('--force', 'even inside a destination Reprise manages')
      .option('--bwlimit <rate>', 'bandwidth limit, e.g. "4M"')
      .option('--checksum', 'compare by checksum, not size and time')
      .option('--exclude <glob>', 'leave out matching files (repeat for several)', collect)
      .action(async (from: string, to: string, f: TransferFlags) => {
        if (op === 'sync') needYes(op, f);
        const r = await withProgress(ctx, (id) =>
          ctx.call('files:transfer', { op, from: sourcePath(from), to: sourcePath(to), dryRun: f.dryRun ?? false, force: f.force ?? false, checksum: f.checksum ?? false, excludes: f.exclude ?? [], id, ...(f.bwlimit ? { bwlimit: f.bwlimit } : {}) }),
        );
        report(ctx, r);
      });
  }

  files
    .command('delete')
    .description('delete a file, or a folder with everything in it')
    .argument('<location>')
    .option('--dry-run', 'list what would be deleted; change nothing')
    .option('--yes', 'go ahead without a terminal (needed in scripts)')
    .option('--force', 'even inside a destination Reprise manages')
    .action(async (location: string, f: ChangeFlags) => {
      needYes('delete', f);
      const target = sourcePath(location);
      // Where deleted files go (the remote's trash, hidden versions, or nowhere), said before and after.
      const fate = deleteFate((await ctx.call('files:trash', { target })).kind);
      const r = await withProgress(ctx, (id) => ctx.call('files:delete', { target, dryRun: f.dryRun ?? false, force: f.force ?? false, id }));
      report(ctx, r);
      if (!ctx.options().json && (r.dryRun || r.outcome === 'ok')) process.stdout.write(`${fate}\n`);
    });
}

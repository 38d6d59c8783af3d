// `reprise serve`: the core, its scheduler and the UI in a browser, on loopback by default.
import type { Command } from 'commander';
import { join } from 'node:path';
import { appRoot } from '../../core/version.js';
import { isLoopbackHost, startWsServer } from '../../ipc/ws-server.js';
import type { CliContext } from '../context.js';

/** Where the built renderer lives. */
export function rendererDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

/** Registers serve. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run headless: scheduler plus the UI in a browser')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .action(async (o: { host: string; port: string }) => {
      const core = ctx.core('serve');
      if (!isLoopbackHost(o.host)) {
        process.stderr.write(`Warning: listening on ${o.host} makes Reprise reachable from other machines; anyone with the URL's token can control it.\n`);
      }
      const server = await startWsServer({ handlers: core.handlers, events: core.events, staticDir: rendererDir(), host: o.host, port: Number(o.port) });
      process.stdout.write(`LISTENING ${server.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}

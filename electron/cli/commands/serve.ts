// `reprise serve`: the core, its scheduler and the UI in a browser, on loopback by default. The
// address is stable: a default port (or the one in settings / --port) and a token kept in the
// data folder, so an open tab reconnects after a restart and a bookmark keeps working.
import type { Command } from 'commander';
import { join } from 'node:path';
import { DEFAULT_SERVE_PORT, appRoot, serveSettings } from '../../core/api/host.js';
import { loadServeToken } from '../../server/serve-token.js';
import { type WsServer, isLoopbackHost, startWsServer } from '../../server/ws-server.js';
import { type CliContext, CliFailure, exitCodes } from '../context.js';

/** Where the built renderer lives. */
export function rendererDir(): string {
  return join(appRoot(), 'out', 'renderer');
}

/** The port to listen on and whether the user chose it (a chosen port is never swapped). */
export function choosePort(flag: string | undefined, setting: number | undefined): { readonly port: number; readonly chosen: boolean } {
  if (flag !== undefined) {
    if (!/^\d{1,5}$/.test(flag) || Number(flag) > 65535) {
      throw new CliFailure({ kind: 'invalid-request', message: `--port must be a number from 0 to 65535 (0 picks a free one), not "${flag}".` }, exitCodes.usage);
    }
    return { port: Number(flag), chosen: true };
  }
  if (setting !== undefined) return { port: setting, chosen: true };
  return { port: DEFAULT_SERVE_PORT, chosen: false };
}

/** Registers serve. */
export function registerServeCommand(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run headless: scheduler plus the UI in a browser')
    .option('--host <host>', 'address to listen on (default 127.0.0.1; "::" or "0.0.0.0" for every interface)')
    .option('--port <n>', `port (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)`)
    .option('--new-token', 'replace the saved access token; links printed before stop working')
    .action(async (o: { host?: string; port?: string; newToken?: boolean }) => {
      const door = ctx.door('serve');
      const saved = serveSettings(door.settings());
      const host = o.host ?? saved.host ?? '127.0.0.1';
      const { port, chosen } = choosePort(o.port, saved.port);
      const { token } = loadServeToken(door.dataDir, { rotate: o.newToken ?? false });
      if (!isLoopbackHost(host)) {
        process.stderr.write(`Warning: listening on ${host} makes Reprise reachable from other machines; anyone with the URL's token can control it.\n`);
      }
      const start = (p: number) =>
        startWsServer({
          handlers: door.handlers,
          events: door.events,
          seams: door.seams,
          staticDir: rendererDir(),
          host,
          port: p,
          token,
          uploads: door.uploads,
          log: (line) => process.stderr.write(`reprise serve: ${line}\n`),
        });
      let server: WsServer;
      try {
        server = await start(port);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' && !chosen) {
          // The default port is taken (another program, or a second Reprise with another data
          // folder): serve anyway, on a free port, and say how to make it stable.
          server = await start(0);
          process.stderr.write(`Port ${port} is in use; serving on ${server.port} for now. Choose a fixed one with --port N (or "serve": {"port": N} in settings).\n`);
        } else if (code === 'EADDRINUSE') {
          throw new CliFailure({ kind: 'busy', message: `Port ${port} on ${host} is already in use (another Reprise, or another program).`, hint: 'Stop it, or start with another --port (0 picks a free one).' }, exitCodes.failed);
        } else if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EACCES') {
          throw new CliFailure({ kind: 'invalid-request', message: `Cannot listen on ${host} port ${port}: ${code === 'EACCES' ? 'permission denied (ports below 1024 need root)' : 'no such address on this machine'}.` }, exitCodes.usage);
        } else throw e;
      }
      process.stdout.write(`LISTENING ${server.url}\n`);
      // The listeners stay attached through the shutdown: with `once`, execa's exit hook
      // (signal-exit, active while rcd runs) saw no other listener and re-raised the signal, which
      // killed serve before it unmounted anything. A second signal means "now": quit at once.
      await new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (sig: NodeJS.Signals) => {
          if (stopping) process.exit(sig === 'SIGINT' ? exitCodes.cancelled : exitCodes.failed);
          stopping = true;
          resolve();
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
      await server.close();
    });
}

// What every CLI command gets: the global options, the contract (through one in-process client:
// the same dispatch and schemas as every transport), and the printer. Commands never reach into
// the core: what they need is a contract command or event.
import type { Bridge, CommandName, Req, Res } from '../../shared/contract.js';
import type { AppError, Result } from '../../shared/result.js';
import { type CoreDoor, openCore, resolveDataDir } from '../core/api/host.js';
import { localClient } from '../core/api/local-client.js';

export interface GlobalOptions {
  readonly dataDir?: string;
  readonly rcloneConfig?: string;
  readonly json?: boolean;
}

/** A failure the CLI reports and exits with. */
export class CliFailure extends Error {
  constructor(
    readonly error: AppError,
    readonly exitCode: number,
  ) {
    super(error.message);
  }
}

// Errors that mean "fix what you typed" exit 2; the rest (tools, runs) exit 1.
const badInput = new Set<AppError['kind']>(['invalid-request', 'not-found', 'conflict', 'unknown-remote', 'source-missing']);

/** Exit codes: 0 ok, 1 failed, 2 bad input, 3 partial success, 130 cancelled. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, partial: 3, cancelled: 130 } as const;

export interface CliContext {
  readonly options: () => GlobalOptions;
  /** The core of this command, opened on first use (serve opens it as "serve": schedules, mounts). */
  door(host?: 'cli' | 'serve'): CoreDoor;
  /** The contract in this process: invoke (a Result, never thrown) and events. */
  client(): Bridge;
  /** Calls a contract command, typed by its name; throws CliFailure (with its exit code) on error. */
  call<K extends CommandName>(name: K, req: Req<K>): Promise<Res<K>>;
  closeCore(): Promise<void>;
}

/** The exit code for a refusal: 2 for what the user typed, 130 cancelled, else 1. */
export function exitCodeOf(error: AppError): number {
  return badInput.has(error.kind) ? exitCodes.usage : error.kind === 'cancelled' ? exitCodes.cancelled : exitCodes.failed;
}

/** The value of a Result, or a CliFailure with the matching exit code. */
export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new CliFailure(result.error, exitCodeOf(result.error));
  return result.value;
}

/** Creates the CLI context over the parsed global options. */
export function cliContext(options: () => GlobalOptions): CliContext {
  let door: CoreDoor | null = null;
  let client: Bridge | null = null;
  const ctx: CliContext = {
    options,
    door(host = 'cli') {
      if (!door) {
        const o = options();
        door = openCore({ dataDir: resolveDataDir(o.dataDir), host, rcloneConfig: o.rcloneConfig ?? null });
      }
      return door;
    },
    client() {
      if (!client) {
        const d = ctx.door();
        // Refusals name the CLI's flags, not the window's labels.
        client = localClient(d.handlers, d.events, { audience: 'cli' });
      }
      return client;
    },
    async call<K extends CommandName>(name: K, req: Req<K>): Promise<Res<K>> {
      return valueOf(await ctx.client().invoke(name, req));
    },
    async closeCore() {
      if (door) await door.close();
      door = null;
      client = null;
    },
  };
  return ctx;
}

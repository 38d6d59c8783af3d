// What every CLI command gets: the global options, a lazily built core, and the printer.
import type { CommandName, Req, Res } from '../../shared/contract.js';
import type { AppError } from '../../shared/result.js';
import { type Core, createCore } from '../core/core.js';
import { resolveDataDir } from '../core/data-dir.js';
import { ManualClock } from '../core/scheduler/clock.js';
import { dispatch } from '../core/api/dispatch.js';

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
  core(host?: 'cli' | 'serve'): Core;
  /** Calls a contract command through the same dispatcher as every transport; throws CliFailure on error. */
  call<K extends CommandName>(name: K, req: unknown): Promise<Res<K>>;
  closeCore(): Promise<void>;
}

/** Creates the CLI context over the parsed global options. */
export function cliContext(options: () => GlobalOptions): CliContext {
  let core: Core | null = null;
  const ctx: CliContext = {
    options,
    core(host = 'cli') {
      if (!core) {
        const o = options();
        // Test-only: REPRISE_TEST_CLOCK=<epoch ms> runs the scheduler on a clock the e2e suite moves.
        const testClock = process.env.REPRISE_TEST_CLOCK;
        core = createCore({
          dataDir: resolveDataDir(o.dataDir),
          host,
          rcloneConfig: o.rcloneConfig ?? null,
          ...(testClock ? { clock: new ManualClock(Number(testClock) || Date.now()) } : {}),
        });
      }
      return core;
    },
    async call<K extends CommandName>(name: K, req: Req<K> | unknown): Promise<Res<K>> {
      const result = await dispatch(ctx.core().handlers, name, req, { audience: 'cli' });
      if (!result.ok) {
        const code = badInput.has(result.error.kind) ? exitCodes.usage : result.error.kind === 'cancelled' ? exitCodes.cancelled : exitCodes.failed;
        throw new CliFailure(result.error, code);
      }
      return result.value as Res<K>;
    },
    async closeCore() {
      if (core) await core.close();
      core = null;
    },
  };
  return ctx;
}

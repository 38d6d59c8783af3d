// The CLI reaches the core only through the contract: a run is awaited with runs:wait (asked again
// while the run goes on), and `ctx.call` is typed by the command's name.
import { describe, expect, it } from 'vitest';
import type { Bridge, CommandName, Req } from '../../../shared/contract.js';
import type { RunSummary } from '../../../shared/model.js';
import { type Result, fail, ok } from '../../../shared/result.js';
import { waitForRun } from '../../../electron/cli/commands/runs.js';
import { CliFailure, type CliContext, exitCodes } from '../../../electron/cli/context.js';

const run = { id: 7, outcome: 'success' } as RunSummary;

/** A client whose runs:wait answers from a script, recording what was asked. */
function scripted(answers: Result<RunSummary>[]): { client: Bridge; asked: unknown[] } {
  const asked: unknown[] = [];
  const client = {
    invoke: async <K extends CommandName>(name: K, req: Req<K>) => {
      asked.push([name, req]);
      return answers.shift()!;
    },
    on: () => () => undefined,
  } as unknown as Bridge;
  return { client, asked };
}

describe('reprise run waits through the contract', () => {
  it('asks runs:wait again while the run is still running, and returns the finished run', async () => {
    const { client, asked } = scripted([fail('busy', 'Run 7 is still running.'), fail('busy', 'Run 7 is still running.'), ok(run)]);
    expect(await waitForRun(client, 7)).toBe(run);
    expect(asked).toEqual([
      ['runs:wait', { runId: 7, timeoutMs: 3600_000 }],
      ['runs:wait', { runId: 7, timeoutMs: 3600_000 }],
      ['runs:wait', { runId: 7, timeoutMs: 3600_000 }],
    ]);
  });

  it('turns any other refusal into the CLI failure with its exit code', async () => {
    const { client } = scripted([fail('not-found', 'There is no run 7.')]);
    const e = await waitForRun(client, 7).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CliFailure);
    expect((e as CliFailure).exitCode).toBe(exitCodes.usage);
  });
});

// Compiled by `tsc -p test` (npm run typecheck): a request that does not fit its command is a
// compile error, as is a command the contract does not have. Never called.
export function typedCalls(ctx: CliContext): void {
  void ctx.call('jobs:holder', { name: 'Music' }).then((r) => r.holder?.runId);
  // @ts-expect-error runs:start takes a job name, not a run id
  void ctx.call('runs:start', { runId: 1 });
  // @ts-expect-error the old per-noun cancel is gone: ops:cancel stops every long operation
  void ctx.call('runs:cancel', { runId: 1 });
  // @ts-expect-error the test clock is not in the production contract
  void ctx.call('scheduler:test-clock', { advanceToMs: 1 });
}

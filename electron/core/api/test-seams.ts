// Test-only commands, kept out of the production contract: they exist only in a core opened with
// the explicit test seam REPRISE_TEST_CLOCK set (see host.ts), and only the transports of such a
// core (dispatch's `seams` option) answer them. A production Reprise does not know their names.
import { z } from 'zod';
import { type Result, fail, ok } from '../../../shared/result.js';
import type { ManualClock } from '../scheduler/clock.js';

/** The environment variable that turns the test seams on: REPRISE_TEST_CLOCK=<epoch ms> starts the scheduler on a clock tests move. */
export const TEST_CLOCK_ENV = 'REPRISE_TEST_CLOCK';

export const testSeamSchemas = {
  /** Moves the core's manual clock forward and lets the scheduler look (e2e schedule tests). */
  'scheduler:test-clock': z.object({ advanceToMs: z.number().int().nonnegative() }).strict(),
} as const;

export type TestSeamName = keyof typeof testSeamSchemas;
export type TestSeams = { readonly [K in TestSeamName]: (req: z.infer<(typeof testSeamSchemas)[K]>) => Promise<Result<unknown>> };

/** Whether a name is a test seam's (only asked when a core has seams). */
export function isTestSeamName(name: unknown): name is TestSeamName {
  return typeof name === 'string' && Object.hasOwn(testSeamSchemas, name);
}

/** The seams of a core running on a manual clock. */
export function testSeams(clock: ManualClock, tick: () => void): TestSeams {
  return {
    'scheduler:test-clock': async (req) => {
      if (req.advanceToMs < clock.now()) return fail('invalid-request', 'The test clock only moves forward.');
      clock.advanceTo(req.advanceToMs);
      tick();
      return ok({ now: clock.now() });
    },
  };
}

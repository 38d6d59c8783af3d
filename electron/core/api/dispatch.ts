// The transport-neutral dispatcher: validates a request against its schema once, calls the
// handler, and turns anything thrown into a Result. Every transport goes through here, so nothing
// a client sends — wrong types, absurd nesting, a handler's bug — can escape as an exception.
import { type Handlers, isCommandName, requestSchemas } from '../../../shared/contract.js';
import { type Audience, describeRequestProblems, plainIssueText } from '../../../shared/request-problems.js';
import { type Result, RepriseError, fail } from '../../../shared/result.js';
import { type TestSeams, isTestSeamName, testSeamSchemas } from './test-seams.js';
import { noSpaceText } from '../process/scratch.js';

export interface DispatchOptions {
  /** Who reads refusals: the window names fields by their labels, the CLI by their flags. */
  readonly audience?: Audience;
  /** The test-only commands of a core opened with a test seam (host.ts); absent in production. */
  readonly seams?: TestSeams | null;
}

/** Runs one command from an untrusted caller; never throws. */
export async function dispatch(handlers: Handlers, name: unknown, request: unknown, options: DispatchOptions = {}): Promise<Result<unknown>> {
  if (options.seams && isTestSeamName(name)) return seam(options.seams, name, request);
  if (!isCommandName(name)) return fail('invalid-request', 'Reprise does not know that request.', { detail: `Unknown command ${JSON.stringify(String(name).slice(0, 80))}.` });
  try {
    // zod's own messages ("Too small: expected number to be >=0") become plain words; messages a
    // schema wrote itself are already plain and win.
    const parsed = requestSchemas[name].safeParse(request ?? {}, { error: (issue) => plainIssueText(issue) });
    if (!parsed.success) {
      return fail('invalid-request', describeRequestProblems(name, parsed.error.issues.slice(0, 10), options.audience ?? 'window').slice(0, 1000));
    }
    const handler = handlers[name] as (req: unknown) => Promise<Result<unknown>>;
    return await handler(parsed.data);
  } catch (e) {
    if (e instanceof RepriseError) return { ok: false, error: e.appError };
    if ((e as NodeJS.ErrnoException)?.code === 'ENOSPC') {
      // The write that failed says no more than "write": name the likeliest place.
      const { message, hint } = noSpaceText();
      return fail('internal', message, { hint });
    }
    const message = e instanceof Error ? e.message : String(e);
    return fail('internal', `Something went wrong: ${message}`, { hint: 'Try again; if it keeps happening, the log of `reprise serve` (or the app) says more.' });
  }
}

async function seam(seams: TestSeams, name: keyof TestSeams, request: unknown): Promise<Result<unknown>> {
  const parsed = testSeamSchemas[name].safeParse(request ?? {});
  if (!parsed.success) return fail('invalid-request', `${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`.slice(0, 1000));
  try {
    return await seams[name](parsed.data);
  } catch (e) {
    return fail('internal', `Something went wrong: ${e instanceof Error ? e.message : String(e)}`);
  }
}

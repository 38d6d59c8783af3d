// The transport-neutral dispatcher: validates a request against its schema once, calls the
// handler, and turns anything thrown into a Result. Every transport goes through here, so nothing
// a client sends — wrong types, absurd nesting, a handler's bug — can escape as an exception.
import { type CommandName, type Handlers, isCommandName, requestSchemas } from '../../shared/contract.js';
import { type Result, ReproError, fail } from '../../shared/result.js';
import { redact } from '../core/redact.js';

/** Runs one command from an untrusted caller; never throws. */
export async function dispatch(handlers: Handlers, name: unknown, request: unknown): Promise<Result<unknown>> {
  if (!isCommandName(name)) return fail('invalid-request', `Unknown command ${JSON.stringify(String(name).slice(0, 80))}.`);
  try {
    const parsed = requestSchemas[name].safeParse(request ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 10).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
      return fail('invalid-request', `Invalid request for ${name}: ${issues.join('; ').slice(0, 1000)}.`);
    }
    const handler = handlers[name] as (req: unknown) => Promise<Result<unknown>>;
    return await handler(parsed.data);
  } catch (e) {
    if (e instanceof ReproError) return { ok: false, error: e.appError };
    const message = e instanceof Error ? e.message : String(e);
    return fail('internal', `Something went wrong in ${name as CommandName}: ${redact(message)}`);
  }
}

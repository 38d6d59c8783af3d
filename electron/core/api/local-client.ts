// The main process's own client of the contract: the tray and notifications invoke commands
// through the same dispatch as the window (schemas checked, errors as Results) and listen to the
// same events. Nothing in the main process calls the core's internals.
import type { Bridge, CommandName, Handlers, Req, Res } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import { dispatch } from './dispatch.js';

/** A Bridge over the handlers in this process. */
export function localClient(handlers: Handlers, events: EventBus): Bridge {
  return {
    invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Result<Res<K>>> {
      return dispatch(handlers, name, req) as Promise<Result<Res<K>>>;
    },
    on: (name, listener) => events.on(name, listener),
  };
}

// A client of the contract in the host's own process: the desktop's tray and notifications and
// every CLI command invoke commands through the same dispatch as the window (schemas checked,
// errors as Results) and listen to the same events. No host calls the core's internals.
import type { Bridge, CommandName, Handlers, Req, Res } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import { type DispatchOptions, dispatch } from './dispatch.js';

/** A Bridge over the handlers in this process. */
export function localClient(handlers: Handlers, events: EventBus, options: DispatchOptions = {}): Bridge {
  return {
    invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Result<Res<K>>> {
      return dispatch(handlers, name, req, options) as Promise<Result<Res<K>>>;
    },
    on: (name, listener) => events.on(name, listener),
  };
}

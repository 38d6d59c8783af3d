// A typed event bus: the core emits contract events; transports forward them to clients.
import { EventEmitter } from 'node:events';
import type { EventName, Events } from '../../shared/contract.js';

export interface EventBus {
  emit<E extends EventName>(name: E, payload: Events[E]): void;
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
  /** Every event, for transports that forward all of them. */
  onAny(listener: <E extends EventName>(name: E, payload: Events[E]) => void): () => void;
}

/** Creates an event bus. */
export function eventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const anyListeners = new Set<(name: EventName, payload: unknown) => void>();
  return {
    emit(name, payload) {
      emitter.emit(name, payload);
      for (const l of anyListeners) l(name, payload);
    },
    on(name, listener) {
      emitter.on(name, listener as (p: unknown) => void);
      return () => emitter.off(name, listener as (p: unknown) => void);
    },
    onAny(listener) {
      const l = listener as (name: EventName, payload: unknown) => void;
      anyListeners.add(l);
      return () => anyListeners.delete(l);
    },
  };
}

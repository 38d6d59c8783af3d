// Who a child process belongs to. A run sets an owner around its work; every child started inside
// it (however deep in the destination code) reports its start and end to that owner, without
// each runner having to pass the run along. The run uses it to record its children with the job
// lock and to tell a child killed from outside from one the user cancelled.
import { AsyncLocalStorage } from 'node:async_hooks';

/** A child as its owner hears about it. */
export interface OwnedChild {
  readonly pid: number;
  /** The program's base name: "rclone", "rsync". */
  readonly tool: string;
}

/** How a child ended. */
export interface ChildEnd extends OwnedChild {
  readonly exitCode: number | null;
  /** The signal that ended it, when one did. */
  readonly signal: string | null;
  /** Ended because we asked (cancel). */
  readonly cancelled: boolean;
  /** Ended by the stall watchdog. */
  readonly stalled: boolean;
}

export interface ChildOwner {
  spawned(child: OwnedChild): void;
  exited(end: ChildEnd): void;
}

const storage = new AsyncLocalStorage<ChildOwner>();

/** Runs `fn` with `owner` told about every child started inside it (also after awaits). */
export function runOwnedBy<T>(owner: ChildOwner, fn: () => T): T {
  return storage.run(owner, fn);
}

/** The owner of the code running now, if any. */
export function currentOwner(): ChildOwner | undefined {
  return storage.getStore();
}

/** An owner that also tells the owner around it: nested scopes (a run, then one destination). */
export function nestedOwner(own: Partial<ChildOwner>): ChildOwner {
  const parent = currentOwner();
  return {
    spawned(c) {
      own.spawned?.(c);
      parent?.spawned(c);
    },
    exited(e) {
      own.exited?.(e);
      parent?.exited(e);
    },
  };
}

// The restore commands of the contract: restore points, the picker's index and versions, covers,
// restores with progress events, and verification. Everything is read from the points' records and
// asked of the destination kind (kinds.ts); no command here knows which kind it has. The commands
// live in restore-picker.ts, restore-run.ts and here (verify:run); what they share in restore-sources.ts.
import type { Handlers } from '../../../shared/contract.js';
import type { VerifyDestination } from '../../../shared/restore.js';
import { ok } from '../../../shared/result.js';
import { destinationKinds } from '../destinations/kinds.js';
import { isUnder } from '../destinations/record/entry.js';
import { pickerHandlers } from './restore-picker.js';
import { restoreRun } from './restore-run.js';
import { type RestoreServiceDeps, restoreSources } from './restore-sources.js';

export type { RestoreServiceDeps } from './restore-sources.js';

type RestoreHandlers = Pick<Handlers, 'restore:points' | 'restore:browse' | 'restore:versions' | 'restore:cover' | 'restore:run' | 'verify:run'>;

/** The restore commands, and how ops:cancel stops a restore by its id. */
export interface RestoreService {
  readonly handlers: RestoreHandlers;
  /** Stops the restore with this id; false when none runs here. */
  cancel(restoreId: string): boolean;
}

/** Builds the restore commands over the core's jobs, tools and events. */
export function restoreService(deps: RestoreServiceDeps): RestoreService {
  const src = restoreSources(deps);
  const run = restoreRun(deps, src);
  const { env } = src;
  return {
    handlers: {
      ...pickerHandlers(deps, src),
      ...run.handlers,
      'verify:run': async (req) => {
        const job = deps.jobs.get(req.name);
        const out: VerifyDestination[] = [];
        for (const d of job.destinations) {
          try {
            out.push(await destinationKinds[d.kind].verify(job, d, env(), { deep: req.deep }));
          } catch (e) {
            out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: null, ok: false, differences: 0, sample: [], error: (e as Error).message });
          }
        }
        return ok(out);
      },
    },
    cancel: run.cancel,
  };
}

/** Whether a record path lies in an item (exported for tests of the picker). */
export const inItem = (path: string, item: string): boolean => isUnder(path, item);

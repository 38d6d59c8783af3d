// restore:run: a file or folder from a restore point into a folder, with progress events, the
// point held against pruning in every process while it is read, and ops:cancel to stop it.
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../../shared/contract.js';
import type { RestoreOutcome } from '../../../shared/restore.js';
import { fail, ok, raise } from '../../../shared/result.js';
import type { OpenedDestination } from '../destinations/kind.js';
import { RestoreError } from '../destinations/restore/restore-errors.js';
import { restoreTree } from '../destinations/restore/restore-tree.js';
import { type RestoreServiceDeps, type RestoreSources, rethrow } from './restore-sources.js';

/** The restore:run handler, and the stop of a running restore by its id. */
export function restoreRun(deps: RestoreServiceDeps, src: RestoreSources): { readonly handlers: Pick<Handlers, 'restore:run'>; cancel(restoreId: string): boolean } {
  const { open, chooseSource, resolvePoint, itemEntries } = src;
  // Restores running in this process, by restore id, so ops:cancel can stop them.
  const running = new Map<string, AbortController>();
  return {
    handlers: {
      'restore:run': async (req) => {
        const job = deps.jobs.get(req.name);
        const restoreId = req.restoreId ?? randomUUID();
        if (running.has(restoreId)) return fail('invalid-request', `A restore with id ${restoreId} is already running.`);
        const controller = new AbortController();
        running.set(restoreId, controller);
        const signal = controller.signal;
        let release = () => {};
        let opened: OpenedDestination | null = null;
        try {
          const d = await chooseSource(job, req.from, req.at);
          if (signal.aborted) throw new RestoreError('cancelled', 'The restore was stopped before it began.');
          opened = await open(d, signal);
          const point = resolvePoint(opened, d, req.at);
          const pointId = point.summary.id;
          // Retention never removes a point while it is being restored from.
          release = deps.holdPoint(d.target, pointId);
          deps.events.emit('restore:progress', { restoreId, phase: 'planning', percent: 0, bytes: 0, speed: 0 });
          const { item, entries } = await itemEntries(opened, pointId, req.path, signal);
          const started = Date.now();
          const r = await restoreTree({
            entries,
            item,
            to: req.to,
            policy: req.policy,
            dryRun: req.dryRun,
            fetcher: opened.bytes(pointId),
            children: deps.children,
            signal,
            onProgress: (p) => deps.events.emit('restore:progress', { restoreId, phase: p.phase, percent: p.percent, bytes: p.bytes, speed: p.bytes > 0 ? Math.round(p.bytes / Math.max(0.001, (Date.now() - started) / 1000)) : 0 }),
          });
          const v = r.verification;
          const outcome: RestoreOutcome = {
            destId: d.id,
            target: d.target,
            pointId,
            restoredTo: r.restoredTo,
            dryRun: r.dryRun,
            createFiles: r.createFiles,
            overwriteFiles: r.overwriteFiles,
            skipFiles: r.skipFiles,
            keepBothFiles: r.keepBothFiles,
            bytes: r.bytes,
            items: r.items,
            verified: v ? v.ok : null,
            mismatches: v?.mismatches ?? [],
            keptExisting: v?.keptExisting ?? [],
            missing: v?.missing ?? [],
            checked: v?.checked ?? 0,
          };
          return ok(outcome);
        } catch (e) {
          if (signal.aborted) raise('cancelled', 'The restore was stopped. Files restored so far are kept.');
          rethrow(e);
        } finally {
          running.delete(restoreId);
          release();
          await opened?.close();
        }
      },
    },
    cancel(restoreId) {
      const controller = running.get(restoreId);
      controller?.abort();
      return controller !== undefined;
    },
  };
}

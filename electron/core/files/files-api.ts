// The contract's files:* handlers over the core's file operations (ops:cancel stops one by its id).
import type { Handlers } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import type { FileOps } from './file-ops.js';

type FileHandlers = Pick<Handlers, 'files:list' | 'files:size' | 'files:mkdir' | 'files:transfer' | 'files:delete' | 'files:upload-start' | 'files:upload' | 'files:trash'>;

/** The files:* handlers. */
export function fileHandlers(ops: FileOps): FileHandlers {
  return {
    'files:list': async (req) => ok(await ops.list(req.target)),
    'files:size': async (req) => ok(await ops.size(req.target)),
    'files:mkdir': async (req) => ok(await ops.mkdir(req.target, { dryRun: req.dryRun, force: req.force })),
    'files:transfer': async (req) =>
      ok(await ops.transfer(req.op, req.from, req.to, { dryRun: req.dryRun, force: req.force, checksum: req.checksum, excludes: req.excludes, bwlimit: req.bwlimit, ...(req.id ? { id: req.id } : {}) })),
    'files:delete': async (req) => ok(await ops.delete(req.target, { dryRun: req.dryRun, force: req.force, ...(req.id ? { id: req.id } : {}) })),
    'files:trash': async (req) => ok({ kind: await ops.trash(req.target) }),
    'files:upload-start': async (req) => {
      await ops.uploadStart(req.id, req.to, { files: req.files, bytes: req.bytes }, { force: req.force });
      return ok({ id: req.id });
    },
    'files:upload': async (req) => ok(await ops.upload(req.id, req.to, { dryRun: req.dryRun, force: req.force, paths: req.paths })),
  };
}

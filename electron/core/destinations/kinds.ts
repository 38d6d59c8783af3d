// Every destination kind, by name: a missing kind is a compile error.
import type { DestinationKind } from '../../../shared/model.js';
import type { DestinationRunners } from '../runs/destination-runner.js';
import { copyKind } from './copy/copy-kind.js';
import type { DestinationKindImpl } from './kind.js';
import { mirrorKind } from './mirror/mirror-kind.js';
import { snapshotKind } from './snapshot/snapshot-kind.js';

export const destinationKinds: Readonly<Record<DestinationKind, DestinationKindImpl>> = {
  copy: copyKind,
  snapshot: snapshotKind,
  mirror: mirrorKind,
};

/** The backup runner of every kind, for the run manager. */
export const destinationRunners: DestinationRunners = {
  copy: (ctx) => destinationKinds.copy.backup(ctx),
  snapshot: (ctx) => destinationKinds.snapshot.backup(ctx),
  mirror: (ctx) => destinationKinds.mirror.backup(ctx),
};

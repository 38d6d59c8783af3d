// The deletion guard of a versioned mirror: an empty or missing source (an unplugged disk!) must
// never turn into "delete everything in the backup", and a run that would delete more than a set
// share of the destination is stopped by rclone's --max-delete.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Files and bytes of a local source folder. */
export interface SourceCount {
  readonly files: number;
  readonly bytes: number;
}

/** Why a mirror run is refused before rclone starts. */
export type GuardRefusal =
  | { readonly kind: 'source-missing'; readonly message: string }
  | { readonly kind: 'source-empty'; readonly message: string };

/** How much deleting a run may do; share is of the files the previous run left in the mirror. */
export interface DeletionGuardPolicy {
  /** 0–1; a run stops once it would delete more than this share. Default 0.5. */
  readonly maxDeleteShare?: number;
  /** Small libraries may always delete this many files. Default 20. */
  readonly minimumAllowed?: number;
  /** The user confirmed this run: no limit, empty source accepted. */
  readonly confirmed?: boolean;
}

/** Counts the files of a source folder; undefined when it is missing or not a folder. */
export async function countSource(path: string): Promise<SourceCount | undefined> {
  try {
    if (!(await stat(path)).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  let files = 0;
  let bytes = 0;
  const stack = [path];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) {
        files++;
        bytes += (await stat(full)).size;
      }
    }
  }
  return { files, bytes };
}

/** Refuses a missing or empty source unless the user confirmed. */
export function checkMirrorSource(path: string, count: SourceCount | undefined, policy: DeletionGuardPolicy): GuardRefusal | undefined {
  if (!count) {
    return { kind: 'source-missing', message: `The source folder ${path} is missing. Is the disk connected? Nothing in the mirror was changed.` };
  }
  if (count.files === 0 && !policy.confirmed) {
    return {
      kind: 'source-empty',
      message: `The source folder ${path} is empty. Syncing it would move every file of the mirror into a version folder, so the run was refused. If the folder really is empty now, confirm the run.`,
    };
  }
  return undefined;
}

/** The --max-delete value for a run, from the file count the previous run left; undefined = no limit. */
export function maxDeleteFor(previousFiles: number | undefined, policy: DeletionGuardPolicy): number | undefined {
  if (policy.confirmed || previousFiles === undefined) return undefined;
  const share = policy.maxDeleteShare ?? 0.5;
  return Math.max(policy.minimumAllowed ?? 20, Math.floor(previousFiles * share));
}

// Retention for a versioned mirror. Rebuilding the state after run K needs the version folders of
// every later run, so a mirror can only drop its oldest restore points: everything older than the
// oldest point the policy keeps goes, together with the version folders only those points needed.
// (Thinning out the middle would need merging version folders; not done.)
import { MIRROR_MANIFESTS, MIRROR_VERSIONS, joinRemote } from './mirror-layout.js';
import { mirrorRunUsable } from './mirror-manifest.js';
import { readMirrorManifests } from './mirror-run.js';
import type { RcloneExec } from './rclone-exec.js';
import { type RetentionPolicy, selectRetention } from './retention.js';
import { parseSnapshotId } from './snapshot-names.js';

/** Removes the mirror's restore points older than the oldest one the policy keeps; returns their ids. */
export async function pruneMirrorVersions(
  exec: RcloneExec,
  target: string,
  policy: RetentionPolicy,
  log: (line: string) => void = () => {},
  protectedIds: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const manifests = await readMirrorManifests(exec, target);
  const candidates = manifests
    .filter((m) => mirrorRunUsable(m.outcome))
    .map((m) => ({ id: m.id, time: parseSnapshotId(m.id) ?? new Date(m.startedAt), complete: true }));
  const { keep } = selectRetention(candidates, policy, { protectedIds });
  if (keep.length === 0) return [];
  const oldestKept = keep.map((k) => k.id).sort()[0]!;
  const removed: string[] = [];
  for (const m of manifests) {
    if (m.id > oldestKept) break;
    // versions/<run> holds what existed before that run: only points older than it need it.
    await exec({ args: ['purge', '--', joinRemote(target, MIRROR_VERSIONS, m.id)] });
    if (m.id === oldestKept) continue;
    const r = await exec({ args: ['deletefile', '--', joinRemote(target, MIRROR_MANIFESTS, `${m.id}.json`)] });
    if (r.exitCode === 0) {
      removed.push(m.id);
      log(`# retention: removed mirror restore point ${m.id}`);
    }
  }
  return removed;
}

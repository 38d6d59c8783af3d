// Places Reprise manages: the destinations of the jobs (a mirror's current/, versions/, records/,
// manifests/; a snapshot folder's restore points and latest). Changing files there by hand would
// corrupt restore points, so file operations refuse them unless the user confirms.
import type { Job } from '../../../shared/model.js';
import { parseTarget } from '../../../shared/remotes/remote-path.js';

/** A location as remote + path parts, for comparing ("" is a local path). */
function parts(target: string): { remote: string; segs: string[] } {
  const t = parseTarget(target);
  const path = t.type === 'remote' ? t.path : t.path;
  return { remote: t.type === 'remote' ? t.remote : '', segs: path.split('/').filter((s) => s !== '' && s !== '.') };
}

/** The job destination a location lies in (or is, or contains), or null. */
export function managedDestination(target: string, jobs: readonly Job[], o: { containing: boolean }): { job: string; kind: string; target: string } | null {
  const p = parts(target);
  for (const job of jobs) {
    for (const d of job.destinations) {
      const q = parts(d.target);
      if (q.remote !== p.remote) continue;
      // Inside the destination or the destination itself; with `containing`, also a folder holding it
      // (a sync or delete there would take the destination with it).
      const inside = p.segs.length >= q.segs.length && q.segs.every((s, i) => s === p.segs[i]);
      const holds = o.containing && p.segs.length < q.segs.length && p.segs.every((s, i) => s === q.segs[i]);
      if (inside || holds) return { job: job.name, kind: d.kind, target: d.target };
    }
  }
  return null;
}

/** The sentence a refusal says. */
export function managedProblem(target: string, m: { job: string; kind: string; target: string }): string {
  return `${target} is part of the ${m.kind} destination ${m.target} that Reprise manages for the job "${m.job}"; changing files there by hand would corrupt its restore points.`;
}

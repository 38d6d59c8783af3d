// What a job with sources on rclone remotes may ask for. A snapshot destination hard-links a local
// tree with rsync, and a remote has no local tree to link: Reprise says so when the job is created
// (it does not stage a copy in a local cache; see README "Sources on remotes").
import type { DestinationKind } from '../../../shared/model.js';
import { raise } from '../../../shared/result.js';
import { parseTarget } from '../../../shared/remotes/remote-path.js';
import { isRemoteSource } from './remote-source.js';

/** Raises for a job mixing local and remote sources, a snapshot of a remote source, or a destination inside a remote source. */
export function checkRemoteSources(sources: readonly string[], destinations: readonly { readonly kind: DestinationKind; readonly target: string }[]): void {
  const remote = sources.filter(isRemoteSource);
  if (remote.length === 0) return;
  if (remote.length !== sources.length) {
    raise('invalid-request', 'A job backs up either local folders or folders on rclone remotes, not both.', { hint: 'Make two jobs: one for the local folders, one for the remote ones.' });
  }
  for (const d of destinations) {
    if (d.kind === 'snapshot') {
      raise('invalid-request', `A snapshot destination needs a local source folder, and "${remote[0]}" is on an rclone remote.`, { hint: `Use --mirror ${d.target} (restore points on any folder or remote) or --copy for a remote source.` });
    }
    const t = parseTarget(d.target);
    if (t.type !== 'remote') continue;
    for (const s of remote) {
      const r = parseTarget(s) as { remote: string; path: string };
      const sp = r.path.replace(/^\/+|\/+$/g, '');
      const dp = t.path.replace(/^\/+|\/+$/g, '');
      if (r.remote === t.remote && (sp === '' || dp === sp || dp.startsWith(`${sp}/`))) {
        raise('invalid-request', `The destination "${d.target}" is inside the source "${s}": it would back itself up.`);
      }
    }
  }
}

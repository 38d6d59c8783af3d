// Which of a job's options each kind of destination honours. Copies and mirrors run rclone, which
// takes the bandwidth limit (a rate or a timetable), parallel transfers, checkers and checksum
// compare; snapshots run rsync on a local or NAS folder and take the excludes only (rsync copies
// what the snapshot's record lists, one file after the other). Pure: the job form and `job add`
// say the same thing.
import type { DestinationKind, Job } from './model.js';

/** The options that only copies and mirrors honour, with their names in the window and the CLI. */
export const rcloneOnlyOptions = [
  { key: 'bwlimit', label: 'bandwidth limit', flag: '--bwlimit' },
  { key: 'transfers', label: 'files in parallel', flag: '--transfers' },
  { key: 'checkers', label: 'checkers', flag: '--checkers' },
  { key: 'checksum', label: 'checksum compare', flag: '--checksum' },
] as const;

type OptionsOf = Pick<Job, 'bwlimit' | 'transfers' | 'checkers' | 'checksum'> & { readonly destinations: readonly { readonly kind: DestinationKind; readonly target: string }[] };

/** A note when set options do not reach some destinations (snapshots), else null. */
export function optionsNotApplying(job: OptionsOf, audience: 'window' | 'cli'): string | null {
  const set = rcloneOnlyOptions.filter((o) => Boolean(job[o.key]));
  const snapshots = job.destinations.filter((d) => d.kind === 'snapshot');
  if (set.length === 0 || snapshots.length === 0) return null;
  const names = set.map((o) => (audience === 'cli' ? o.flag : o.label));
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  const it = names.length === 1 ? 'it' : 'them';
  const dests = snapshots.length === 1 ? `the snapshot destination ${snapshots[0]!.target} is` : `the snapshot destinations ${snapshots.map((d) => d.target).join(', ')} are`;
  // "The bandwidth limit applies …" in the window; "--bwlimit applies …" on the command line.
  return `${audience === 'window' ? 'The ' : ''}${list} ${names.length === 1 ? 'applies' : 'apply'} to copies and mirrors only; ${dests} copied by rsync without ${it}.`;
}

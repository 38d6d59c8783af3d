// Adds, lists and removes jobs, refusing bad input with a message that says what to fix.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { z } from 'zod';
import type { jobInputSchema } from '../../../shared/contract/jobs.js';
import type { Destination, Job } from '../../../shared/model.js';
import { raise } from '../../../shared/result.js';
import { checkCron } from '../scheduler/cron.js';
import { type RcloneSetup } from '../rclone/rclone-env.js';
import { listRemotes } from '../rclone/remotes.js';
import { remoteNameProblem } from '../../../shared/remotes/names.js';
import { parseTarget } from '../../../shared/remotes/remote-path.js';
import { type SettingsStore, updateSettings } from '../settings/settings.js';
import { checkRemoteSources } from '../sources/source-rules.js';
import { isRemoteSource, sourceBaseName } from '../sources/remote-source.js';

type JobInput = z.infer<typeof jobInputSchema>;

/** Checks that a source folder exists and can be read; raises a clear error otherwise. */
export function checkSourceFolder(path: string): void {
  if (!isAbsolute(path)) raise('invalid-request', `The source "${path}" is not an absolute path.`);
  let st;
  try {
    st = statSync(path);
  } catch {
    raise('source-missing', `The source folder "${path}" does not exist.`, {
      hint: 'Check the path, or plug in and mount the drive it is on.',
    });
  }
  if (!st.isDirectory()) raise('invalid-request', `The source "${path}" is a file, not a folder.`);
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch {
    raise('source-missing', `The source folder "${path}" cannot be read.`, { hint: 'Check its permissions.' });
  }
}

/** Why a relative destination is refused, naming the remote the user probably meant. */
export function relativeDestinationProblem(target: string, remotes: ReadonlySet<string>): string {
  const first = target.replace(/^\.\//, '').split(/[/\\]/)[0] ?? '';
  const rest = target.replace(/^\.\//, '').slice(first.length + 1);
  const meant = [...remotes].find((r) => r.toLowerCase() === first.toLowerCase());
  if (meant) return `The destination "${target}" is not a full path. Did you mean the remote "${meant}:${rest}"?`;
  return `The destination "${target}" is not a full path.`;
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Job management over a settings store. */
export function jobService(settings: SettingsStore, rclone: () => RcloneSetup) {
  const list = (): readonly Job[] => settings.read().jobs;
  const find = (name: string): Job | undefined => list().find((j) => j.name.toLowerCase() === name.toLowerCase());

  // Validates the input and builds the job; `old` keeps identity across an edit.
  async function build(input: JobInput, old: Job | null): Promise<Job> {
    const sources = input.sources.map((s) => s.replace(/(.)\/+$/, '$1'));
    const remoteSources = sources.filter(isRemoteSource);
    for (const s of sources) if (!isRemoteSource(s)) checkSourceFolder(s);
    let remotes: Set<string> | null = null;
    if (remoteSources.length > 0) {
      // A remote source (gdrive:Music) is checked by name here and reached when the job runs.
      checkRemoteSources(sources, input.destinations);
      remotes = new Set((await listRemotes(rclone())).map((r) => r.name));
      for (const s of remoteSources) {
        const t = parseTarget(s) as { remote: string };
        if (!remotes.has(t.remote)) raise('unknown-remote', `There is no rclone remote named "${t.remote}" (in the source "${s}").`, { hint: remotes.size ? `Configured remotes: ${[...remotes].join(', ')}.` : 'Add one with "reprise remote add" or "rclone config".' });
      }
    }
    const bases = new Map<string, string>();
    for (const s of sources) {
      const b = sourceBaseName(s);
      const other = bases.get(b);
      if (other) raise('invalid-request', `Two sources share the folder name "${b}" (${other} and ${s}); each source lands at the destination under its folder name.`, { hint: 'Use one of them, or their common parent folder.' });
      bases.set(b, s);
    }
    let schedule: string | null = null;
    if (input.schedule !== null && input.schedule !== undefined) {
      const checked = checkCron(input.schedule);
      if (!checked.ok) raise('invalid-request', checked.error.message, { hint: checked.error.hint });
      schedule = checked.expression;
    }
    const remoteNames = async () => (remotes ??= new Set((await listRemotes(rclone()).catch(() => [])).map((r) => r.name)));
    const destinations: Destination[] = [];
    for (const d of input.destinations) {
      const t = parseTarget(d.target, { windows: process.platform === 'win32' });
      if (d.kind === 'snapshot' && t.type === 'remote') {
        raise('invalid-request', `Snapshots need a local or NAS folder, and "${d.target}" is an rclone remote.`, { hint: 'Keep it as a versioned mirror instead (--mirror): a mirror keeps restore points on a remote.' });
      }
      if (t.type === 'remote') {
        if (remoteNameProblem(t.remote)) raise('invalid-request', `"${t.remote}" is not a valid rclone remote name.`);
        const known = await remoteNames();
        if (!known.has(t.remote)) {
          raise('unknown-remote', `There is no rclone remote named "${t.remote}".`, {
            hint: known.size ? `Configured remotes: ${[...known].join(', ')}.` : 'Add one on the Remotes page (or with "reprise remote add" or "rclone config").',
          });
        }
      } else {
        // A relative path would land wherever Reprise happens to run: `--copy dav` (the colon
        // forgotten) must not become a folder "dav" in the current directory.
        if (!isAbsolute(t.path)) raise('invalid-request', relativeDestinationProblem(d.target, await remoteNames()), { hint: 'Write a full path that starts with / (e.g. /media/backup), or REMOTE:PATH for an rclone remote.' });
        for (const s of sources) {
          if (!isRemoteSource(s) && isInside(t.path, s)) raise('invalid-request', `The destination "${d.target}" is inside the source "${s}": it would back itself up.`);
        }
      }
      if (destinations.some((x) => x.kind === d.kind && x.target === d.target)) {
        raise('invalid-request', `The destination "${d.target}" is listed twice.`);
      }
      // An unchanged destination keeps its id, so its history and presence marker still count.
      const same = old?.destinations.find((x) => x.kind === d.kind && x.target === d.target);
      destinations.push({ id: same?.id ?? randomUUID().slice(0, 8), kind: d.kind, target: d.target });
    }
    return {
      id: old?.id ?? randomUUID(),
      name: input.name,
      sources,
      destinations,
      excludes: input.excludes ?? [],
      schedule,
      bwlimit: input.bwlimit ?? null,
      staleAfterDays: input.staleAfterDays === undefined ? 3 : input.staleAfterDays,
      transfers: input.transfers ?? null,
      checkers: input.checkers ?? null,
      verify: input.verify ?? false,
      checksum: input.checksum ?? false,
      retention: input.retention === undefined ? (old?.retention ?? null) : input.retention,
      createdAt: old?.createdAt ?? new Date().toISOString(),
    };
  }

  return {
    list,
    find,
    /** The job with this name, or a not-found error naming the jobs there are. */
    get(name: string): Job {
      const job = find(name);
      if (!job) {
        const names = list().map((j) => `"${j.name}"`);
        raise('not-found', `There is no job named "${name}".`, {
          hint: names.length ? `Jobs: ${names.join(', ')}.` : 'Create one on the Jobs page or with "reprise job add".',
        });
      }
      return job;
    },
    async add(input: JobInput): Promise<Job> {
      if (find(input.name)) raise('conflict', `A job named "${input.name}" already exists.`, { hint: 'Pick another name, or remove the old job first.' });
      const job = await build(input, null);
      updateSettings(settings, (s) => {
        if (s.jobs.some((j) => j.name.toLowerCase() === job.name.toLowerCase())) raise('conflict', `A job named "${job.name}" already exists.`);
        return { ...s, jobs: [...s.jobs, job] };
      });
      return job;
    },
    /** Replaces a job's settings; its id, creation time and unchanged destinations' ids stay. */
    async update(id: string, input: JobInput): Promise<Job> {
      const old = list().find((j) => j.id === id);
      if (!old) raise('not-found', 'That job no longer exists.', { hint: 'It may have been removed in another window.' });
      const clash = find(input.name);
      if (clash && clash.id !== id) raise('conflict', `A job named "${input.name}" already exists.`);
      const job = await build(input, old);
      updateSettings(settings, (s) => ({ ...s, jobs: s.jobs.map((j) => (j.id === id ? job : j)) }));
      return job;
    },
    /** Removes a job from settings; its backups and history stay. */
    remove(name: string): Job {
      const job = find(name);
      if (!job) raise('not-found', `There is no job named "${name}".`);
      updateSettings(settings, (s) => ({ ...s, jobs: s.jobs.filter((j) => j.id !== job.id) }));
      return job;
    },
  };
}

export type JobService = ReturnType<typeof jobService>;

// Adds, lists and removes jobs, refusing bad input with a message that says what to fix.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, isAbsolute, relative } from 'node:path';
import cron from 'node-cron';
import type { z } from 'zod';
import type { jobInputSchema } from '../../../shared/contract/jobs.js';
import type { Destination, Job } from '../../../shared/model.js';
import { raise } from '../../../shared/result.js';
import { type RcloneSetup } from '../rclone/rclone-env.js';
import { listRemotes } from '../rclone/remotes.js';
import { isAbsoluteLocal, isValidRemoteName, parseTarget } from '../rclone/targets.js';
import { type SettingsStore, updateSettings } from '../settings/settings.js';

type JobInput = z.infer<typeof jobInputSchema>;

/** Checks that a source folder exists and can be read; raises a clear error otherwise. */
export function checkSourceFolder(path: string): void {
  if (!isAbsoluteLocal(path)) raise('invalid-request', `The source "${path}" is not an absolute path.`);
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

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Job management over a settings store. */
export function jobService(settings: SettingsStore, rclone: () => RcloneSetup) {
  const list = (): readonly Job[] => settings.read().jobs;
  const find = (name: string): Job | undefined => list().find((j) => j.name.toLowerCase() === name.toLowerCase());

  return {
    list,
    find,
    /** The job with this name, or a not-found error naming the jobs there are. */
    get(name: string): Job {
      const job = find(name);
      if (!job) {
        const names = list().map((j) => `"${j.name}"`);
        raise('not-found', `There is no job named "${name}".`, {
          hint: names.length ? `Jobs: ${names.join(', ')}.` : 'Create one with "reprise job add".',
        });
      }
      return job;
    },
    async add(input: JobInput): Promise<Job> {
      if (find(input.name)) raise('conflict', `A job named "${input.name}" already exists.`, { hint: 'Pick another name, or remove the old job first.' });
      const sources = input.sources.map((s) => s.replace(/(.)\/+$/, '$1'));
      for (const s of sources) checkSourceFolder(s);
      const bases = new Map<string, string>();
      for (const s of sources) {
        const b = basename(s) || s;
        const other = bases.get(b);
        if (other) raise('invalid-request', `Two sources share the folder name "${b}" (${other} and ${s}); each source lands at the destination under its folder name.`, { hint: 'Use one of them, or their common parent folder.' });
        bases.set(b, s);
      }
      if (input.schedule !== null && !cron.validate(input.schedule)) {
        raise('invalid-request', `"${input.schedule}" is not a valid cron schedule.`, { hint: 'Example: "0 3 * * *" runs every day at 03:00.' });
      }
      let remotes: Set<string> | null = null;
      const destinations: Destination[] = [];
      for (const d of input.destinations) {
        const t = parseTarget(d.target);
        if (t.type === 'remote') {
          if (!isValidRemoteName(t.remote)) raise('invalid-request', `"${t.remote}" is not a valid rclone remote name.`);
          remotes ??= new Set((await listRemotes(rclone())).map((r) => r.name));
          if (!remotes.has(t.remote)) {
            raise('unknown-remote', `There is no rclone remote named "${t.remote}".`, {
              hint: remotes.size ? `Configured remotes: ${[...remotes].join(', ')}.` : 'Add one with "reprise remote add" or "rclone config".',
            });
          }
        } else {
          if (!isAbsoluteLocal(t.path)) raise('invalid-request', `The destination "${d.target}" is not an absolute path.`);
          for (const s of sources) {
            if (isInside(t.path, s)) raise('invalid-request', `The destination "${d.target}" is inside the source "${s}": it would back itself up.`);
          }
        }
        if (destinations.some((x) => x.kind === d.kind && x.target === d.target)) {
          raise('invalid-request', `The destination "${d.target}" is listed twice.`);
        }
        destinations.push({ id: randomUUID().slice(0, 8), kind: d.kind, target: d.target });
      }
      const job: Job = {
        id: randomUUID(),
        name: input.name,
        sources,
        destinations,
        excludes: input.excludes,
        schedule: input.schedule,
        bwlimit: input.bwlimit,
        createdAt: new Date().toISOString(),
      };
      updateSettings(settings, (s) => {
        if (s.jobs.some((j) => j.name.toLowerCase() === job.name.toLowerCase())) raise('conflict', `A job named "${job.name}" already exists.`);
        return { ...s, jobs: [...s.jobs, job] };
      });
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

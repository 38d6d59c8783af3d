// Children that never outlive Reprise. Cancel and quit already end every child's process group,
// but a Reprise that is killed outright (kill -9, the OOM killer, a crash in native code) runs no
// code at all, and its rclone would go on writing to a mirror nobody watches.
//
// Linux: the child is started through util-linux `setpriv --pdeathsig SIGKILL`, which asks the
// kernel (prctl PR_SET_PDEATHSIG) to kill it the moment its parent dies, then execs the real
// program under the same pid. Without setpriv (very old util-linux, busybox) children start
// directly and the job lock's record of child pids keeps a new run of the job from starting while
// one is left (see scheduler/job-lock.ts).
// macOS has no equivalent the child can ask for (a watcher process on kqueue NOTE_EXIT would be
// needed), and on Windows it would take a Job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
// which Node does not expose (https://github.com/nodejs/node/issues/35997): there a killed Reprise
// can leave a child running, and the lock's child record is what keeps runs of that job apart.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

let supported: boolean | undefined;

/** Whether children can be tied to our life here (Linux with a setpriv that knows --pdeathsig). */
export function deathSignalSupported(env: NodeJS.ProcessEnv = process.env): boolean {
  // Tests (and anyone who must) can switch it off to see what happens without it.
  if (env.REPRISE_NO_PDEATHSIG) return false;
  if (process.platform !== 'linux') return false;
  if (supported === undefined) {
    const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    supported = probe.status === 0 && String(probe.stdout).includes('--pdeathsig');
  }
  return supported;
}

/** The full path of an executable as a shell would find it on PATH; null when there is none. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = isAbsolute(command) || command.includes('/') ? [command] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * How to start `command args` so that it dies with us: wrapped in setpriv where that works, as it
 * is elsewhere. A program that cannot be found is left unwrapped, so that starting it fails the
 * usual way (ENOENT), not as a setpriv error (exit 127).
 */
export function withDeathSignal(command: string, args: readonly string[], signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL', env: NodeJS.ProcessEnv = process.env): { command: string; args: string[] } {
  if (!deathSignalSupported(env)) return { command, args: [...args] };
  const found = findExecutable(command, env);
  if (!found) return { command, args: [...args] };
  return { command: 'setpriv', args: [`--pdeathsig=${signal}`, '--', found, ...args] };
}

// Finding our children in /proc (Linux), and waiting on facts with a deadline instead of sleeping.
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

export interface Proc {
  readonly pid: number;
  /** The program name the kernel shows (after exec: "rsync", "rclone"). */
  readonly comm: string;
  readonly argv: readonly string[];
}

/** Every live process whose command line mentions `marker` (a test's unique temp path). */
export function processesMentioning(marker: string): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (!argv.some((a) => a.includes(marker))) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // A zombie has exited; only its parent has not collected it yet.
      if (/\) Z /.test(stat)) continue;
      out.push({ pid: Number(name), comm: readFileSync(`/proc/${name}/comm`, 'utf8').trim(), argv });
    } catch {
      // it ended while we looked
    }
  }
  return out;
}

/**
 * Checks `check` until it returns a value (not undefined/false), or fails after `timeoutMs`. The
 * facts waited on here (a child in /proc, a file a child process writes) send no event this process
 * could listen to, so they are looked at again every `everyMs`; the deadline only turns a hang into
 * a message naming what was awaited.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** rclone log files a Reprise process with this pid left in the temp folder. */
export function leftRcloneLogs(pid: number): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith(`reprise-rclone-${pid}-`));
}

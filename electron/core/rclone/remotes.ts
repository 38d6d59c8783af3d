// The remotes in the user's rclone config, as `rclone listremotes --long` reports them.
import type { RemoteInfo } from '../../../shared/model.js';
import { raise } from '../../../shared/result.js';
import { type RcloneSetup, runRclone } from './rclone-env.js';

/** Parses `name: type` lines of `rclone listremotes --long`. */
export function parseListRemotes(text: string): RemoteInfo[] {
  const out: RemoteInfo[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.+?):\s+(\S+)\s*$/.exec(line);
    if (m) out.push({ name: m[1]!, type: m[2]!, isCrypt: m[2] === 'crypt' });
  }
  return out;
}

/** Lists the configured remotes; a clear error when rclone cannot read its config. */
export async function listRemotes(setup: RcloneSetup): Promise<RemoteInfo[]> {
  const lines: string[] = [];
  const res = await runRclone(setup, {
    args: ['listremotes', '--long'],
    onLine: (line, stream) => {
      if (stream === 'stdout') lines.push(line);
    },
  });
  if (res.spawnError) raise('tool-missing', `rclone could not be started: ${res.spawnError.message}`);
  if (res.exitCode !== 0) {
    raise('exit-code', 'rclone could not read its configuration.', { detail: res.stderrTail.join('\n') });
  }
  return parseListRemotes(lines.join('\n'));
}

// Finds rclone and rsync, reads their versions, and says plainly how to install them when missing.
import type { ChildRunner } from '../process/child.js';
import type { ToolInfo } from '../../../shared/model.js';

export interface ToolPaths {
  readonly rclone: string;
  readonly rsync: string;
}

/** Binary paths: REPRISE_RCLONE / REPRISE_RSYNC override the names found on PATH. */
export function toolPathsFromEnv(env: NodeJS.ProcessEnv = process.env): ToolPaths {
  return { rclone: env.REPRISE_RCLONE || 'rclone', rsync: env.REPRISE_RSYNC || 'rsync' };
}

const minimum = { rclone: [1, 60, 0], rsync: [3, 1, 0] } as const;

const installHint: Record<ToolInfo['name'], string> = {
  rclone:
    'Install rclone 1.60 or newer: Debian/Ubuntu `sudo apt install rclone`, macOS `brew install rclone`, Windows `winget install Rclone.Rclone` (or see https://rclone.org/install/).',
  rsync:
    'Install rsync 3.1 or newer: Debian/Ubuntu `sudo apt install rsync`, macOS `brew install rsync`, Windows: use WSL or cwRsync.',
};

/** Parses "rclone v1.60.1-DEV" or "rsync  version 3.2.7  protocol version 31" into [major, minor, patch]. */
export function parseToolVersion(name: ToolInfo['name'], text: string): [number, number, number] | null {
  const re = name === 'rclone' ? /rclone v(\d+)\.(\d+)(?:\.(\d+))?/ : /rsync\s+version\s+v?(\d+)\.(\d+)(?:\.(\d+))?/;
  const m = re.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function atLeast(v: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    if ((v[i] ?? 0) !== (min[i] ?? 0)) return (v[i] ?? 0) > (min[i] ?? 0);
  }
  return true;
}

/** Runs `<tool> --version` and reports whether it is there and new enough. */
export async function detectTool(children: ChildRunner, name: ToolInfo['name'], path: string): Promise<ToolInfo> {
  const result = await children.run({ command: path, args: ['--version'], keepStdout: true, keepStderr: true, timeoutMs: 15_000, env: { LC_ALL: 'C' } });
  if (result.spawnError?.code === 'ENOENT') {
    return { name, found: false, version: null, path, ok: false, problem: `${name} was not found (looked for "${path}"). ${installHint[name]}` };
  }
  const text = `${result.stdout}\n${result.stderr}`;
  const version = parseToolVersion(name, text);
  if (!version) {
    return { name, found: true, version: null, path, ok: false, problem: `"${path} --version" did not print a ${name} version. ${installHint[name]}` };
  }
  const versionText = version.join('.');
  if (!atLeast(version, minimum[name])) {
    return {
      name,
      found: true,
      version: versionText,
      path,
      ok: false,
      problem: `${name} ${versionText} is too old; Reprise needs ${minimum[name].join('.')} or newer. ${installHint[name]}`,
    };
  }
  return { name, found: true, version: versionText, path, ok: true, problem: null };
}

// Where Reprise keeps its settings, history database and logs.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Resolves the data dir: an explicit flag, then REPRISE_DATA_DIR, then the OS app-data folder. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (flag) return resolve(flag);
  if (env.REPRISE_DATA_DIR) return resolve(env.REPRISE_DATA_DIR);
  const home = homedir();
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Reprise');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Reprise');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'reprise');
  }
}

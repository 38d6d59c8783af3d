// Starts `reprise serve` on a fresh data dir (a real process) and hands its URL to a test.
import { type ResultPromise, execa } from 'execa';
import { repriseBin } from './cli.js';

export interface ServeHandle {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts serve and resolves with the LISTENING URL. */
export async function startServe(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeHandle> {
  const child: ResultPromise = execa(process.execPath, [repriseBin, '--data-dir', dataDir, 'serve'], { reject: false, buffer: false, stdout: 'pipe', stderr: 'pipe', env });
  let seen = '';
  child.stderr!.on('data', (d) => (seen += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      seen += String(d);
      const m = /^LISTENING (\S+)$/m.exec(seen);
      if (m) resolve(m[1]!);
    });
    void child.then(() => reject(new Error(`reprise serve exited early:\n${seen}`)));
  });
  return {
    url,
    output: () => seen,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

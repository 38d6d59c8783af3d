// Starts `reprise serve` on a fresh data dir (a real process) and hands its URL to a test.
import { type ResultPromise, execa } from 'execa';
import { repriseBin } from './cli.js';

export interface ServeHandle {
  readonly url: string;
  readonly pid: number;
  readonly output: () => string;
  /** Resolves with the exit code once the process ended (by itself or by stop()). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Starts serve (on a free port unless args name one) and resolves with the LISTENING URL. */
export async function startServe(dataDir: string, env: NodeJS.ProcessEnv = {}, args: readonly string[] = ['--port', '0']): Promise<ServeHandle> {
  const child: ResultPromise = execa(process.execPath, [repriseBin, '--data-dir', dataDir, 'serve', ...args], { reject: false, buffer: false, stdout: 'pipe', stderr: 'pipe', env });
  let seen = '';
  child.stderr!.on('data', (d) => (seen += String(d)));
  const exited = child.then((r) => r.exitCode ?? null);
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      seen += String(d);
      const m = /^LISTENING (\S+)$/m.exec(seen);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`reprise serve exited early:\n${seen}`)));
  });
  return {
    url,
    pid: child.pid!,
    output: () => seen,
    exited,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
  };
}

// Real storage servers on loopback for tests: `rclone serve webdav|sftp` with a user and a
// password, and an S3 server (s3rver). Each start returns a handle whose stop() the test awaits.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import S3rver from 's3rver';

/** A running server and how to reach it. */
export interface TestServer {
  readonly host: string;
  readonly port: number;
  /** Base URL for http servers. */
  readonly url: string;
  readonly user: string;
  readonly pass: string;
  /** Folder the server serves (rclone serve) or stores buckets in (s3). */
  readonly root: string;
  readonly pid?: number;
  stop(): Promise<void>;
}

const RCLONE = process.env.REPRISE_TEST_RCLONE ?? 'rclone';

// Starts `rclone serve KIND root` on 127.0.0.1 with a random free port and waits for its
// "listening" line (a fact, not a delay).
// `extra` adds flags, e.g. `--dir-cache-time 0s` when the test changes the served folder behind the
// server's back (it caches listings for 5 minutes by default).
export async function startRcloneServe(kind: 'webdav' | 'sftp', root: string, auth: { user: string; pass: string }, extra: readonly string[] = []): Promise<TestServer> {
  const work = await mkdtemp(join(tmpdir(), `reprise-serve-${kind}-`));
  const args = ['--config', join(work, 'empty.conf'), '--cache-dir', join(work, 'cache'), 'serve', kind, root, '--addr', '127.0.0.1:0', '--user', auth.user, '--pass', auth.pass, ...extra];
  if (kind === 'sftp') args.push('--authorized-keys', '/dev/null');
  const child: ResultPromise = execa(RCLONE, args, { reject: false, stdin: 'ignore', buffer: false, extendEnv: true });
  const pattern = kind === 'webdav' ? /started on \[?http:\/\/127\.0\.0\.1:(\d+)\/?/ : /listening on 127\.0\.0\.1:(\d+)/;
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const m = pattern.exec(log);
      if (m?.[1]) resolve(Number(m[1]));
    });
    void child.then(() => reject(new Error(`rclone serve ${kind} exited before listening:\n${log}`)));
  });
  return {
    host: '127.0.0.1',
    port,
    url: `http://127.0.0.1:${port}/`,
    user: auth.user,
    pass: auth.pass,
    root,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    async stop() {
      child.kill('SIGTERM');
      await child;
      await rm(work, { recursive: true, force: true });
    },
  };
}

// Starts an s3rver on 127.0.0.1 (port 0) with the given buckets; keys are s3rver's fixed pair.
export async function startS3(buckets: readonly string[]): Promise<TestServer> {
  const root = await mkdtemp(join(tmpdir(), 'reprise-s3-'));
  await mkdir(root, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: root,
    configureBuckets: buckets.map((name) => ({ name, configs: [] })),
  });
  const address = (await server.run()) as { port: number };
  return {
    host: '127.0.0.1',
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    user: 'S3RVER',
    pass: 'S3RVER',
    root,
    async stop() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

// Real servers on loopback for tests: `rclone serve webdav` with a user and password, and an rclone
// config file with a remote pointing at it. Each is stopped by the test that started it.
import { type ResultPromise, execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WebDavServer {
  readonly url: string;
  readonly root: string;
  readonly user: string;
  readonly pass: string;
  stop(): Promise<void>;
  /** Ends the server at once (SIGKILL), as a crash or a pulled plug would. */
  kill(): Promise<void>;
}

/** Starts `rclone serve webdav` on 127.0.0.1 with a random port over the folder root. */
export async function startWebDav(root: string, user = 'reprise', pass = 'correct horse battery'): Promise<WebDavServer> {
  const child: ResultPromise = execa('rclone', ['serve', 'webdav', root, '--addr', '127.0.0.1:0', '--user', user, '--pass', pass], {
    reject: false,
    buffer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`webdav did not start: ${seen}`)), 20_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      seen += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void child.then(() => reject(new Error(`webdav exited: ${seen}`)));
  });
  return {
    url,
    root,
    user,
    pass,
    async stop() {
      child.kill('SIGTERM');
      await child;
    },
    async kill() {
      child.kill('SIGKILL');
      await child;
    },
  };
}

/** Writes an rclone config file with a webdav remote named `name` and returns its path. */
export async function writeWebDavConfig(dir: string, name: string, server: WebDavServer): Promise<string> {
  const obscured = (await execa('rclone', ['obscure', server.pass])).stdout.trim();
  const file = join(dir, 'rclone.conf');
  writeFileSync(file, `[${name}]\ntype = webdav\nurl = ${server.url}/\nvendor = other\nuser = ${server.user}\npass = ${obscured}\n`, { mode: 0o600 });
  return file;
}

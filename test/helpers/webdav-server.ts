// Starts `rclone serve webdav` on a loopback port for tests and writes an rclone config naming it.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running loopback WebDAV server. */
export interface WebdavServer {
  readonly url: string;
  /** An rclone config file with a remote called `dav` pointing at the server. */
  readonly configFile: string;
  stop(): Promise<void>;
}

/** Serves `root` over WebDAV on 127.0.0.1 (port picked by the OS); resolves once it listens. */
export function startWebdav(root: string, workDir: string): Promise<WebdavServer> {
  const child: ChildProcess = spawn('rclone', ['serve', 'webdav', root, '--addr', '127.0.0.1:0', '--config', '/dev/null'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    child.once('exit', (code) => reject(new Error(`rclone serve webdav exited (${code}): ${log}`)));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log += chunk;
      const m = /started on \[?(http:\/\/127\.0\.0\.1:\d+\/)/.exec(log);
      if (!m) return;
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      child.removeAllListeners('exit');
      const configFile = join(workDir, 'rclone.conf');
      writeFileSync(configFile, `[dav]\ntype = webdav\nurl = ${m[1]}\nvendor = other\n`, { mode: 0o600 });
      resolve({
        url: m[1]!,
        configFile,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

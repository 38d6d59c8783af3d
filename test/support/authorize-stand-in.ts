// A stand-in for `rclone authorize` (no network here): prints rclone 1.60's log lines and
// sign-in link, serves the link like rclone does, and prints the token block once the "browser"
// has visited it.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RcloneRunner } from '../../electron/core/remotes/rclone-runner.js';

/** The stand-in's source (CommonJS; reads the token to hand back from FAKE_TOKEN). */
export const AUTHORIZE_STAND_IN = `
const http = require('node:http');
const token = process.env.FAKE_TOKEN;
const ts = () => new Date().toISOString().replace('T', ' ').replace(/-/g, '/').slice(0, 19);
const server = http.createServer((req, res) => {
  if (!req.url.startsWith('/auth?state=')) { res.statusCode = 404; res.end(); return; }
  res.end('ok');
  process.stderr.write(ts() + ' NOTICE: Got code\\n');
  process.stdout.write('Paste the following into your remote machine --->\\n' + token + '\\n<---End paste\\n');
  server.close();
});
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  process.stderr.write(ts() + ' NOTICE: Please go to the following link: http://127.0.0.1:' + port + '/auth?state=TqIMaWJ7L671HXPWq0We2Q\\n');
  process.stderr.write(ts() + ' NOTICE: Log in and authorize rclone for access\\n');
  process.stderr.write(ts() + ' NOTICE: Waiting for code...\\n');
});
`;

/** A runner whose rclone binary is the stand-in script (written into dir). */
export async function standInRunner(dir: string, token: string, real: RcloneRunner): Promise<RcloneRunner> {
  const script = join(dir, 'rclone-authorize-standin');
  await writeFile(script, `#!${process.execPath}\nprocess.env.FAKE_TOKEN = ${JSON.stringify(token)};\n${AUTHORIZE_STAND_IN}`);
  await chmod(script, 0o755);
  return new RcloneRunner({ setup: { ...real.base, bin: script }, configPath: real.configPath, redactor: real.redactor });
}


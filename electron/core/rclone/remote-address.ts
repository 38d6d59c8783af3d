// Where a remote's server is, for messages like "the server at nas.local:5005 stopped answering":
// read from rclone's own view of the config (`config dump`, so encrypted configs work too), only
// when such a message is needed. Secrets in the dump never leave this function.
import { connect } from 'node:net';
import { type RcloneSetup, runRclone } from './rclone-env.js';
import { type ConfigDump, parseConfigDump } from './rclone-output.js';
import { remoteOf } from '../../../shared/remotes/remote-path.js';

type Section = Readonly<Record<string, string>>;

// The address fields of the usual backends: webdav/http/s3 (url, endpoint), sftp/ftp/smb (host, port).
function addressOf(section: Section): string | null {
  for (const key of ['url', 'endpoint']) {
    const v = section[key];
    if (!v) continue;
    try {
      return new URL(v.includes('://') ? v : `https://${v}`).host || null;
    } catch {
      return v;
    }
  }
  if (section.host) return section.port ? `${section.host}:${section.port}` : section.host;
  return null;
}

/** The host[:port] a remote talks to, following crypt/alias wrappers; null when unknown. */
export async function remoteAddress(setup: RcloneSetup, remote: string, signal?: AbortSignal): Promise<string | null> {
  const r = await runRclone(setup, {
    args: ['config', 'dump'],
    keepStdout: true,
    ...(signal ? { signal } : {}),
  });
  if (r.exitCode !== 0) return null;
  let dump: ConfigDump;
  try {
    dump = parseConfigDump(r.stdout);
  } catch {
    // Only a message is at stake: without the dump it names no server.
    return null;
  }
  let name = remote;
  for (let depth = 0; depth < 5; depth++) {
    const section = dump[name];
    if (!section) return null;
    const found = addressOf(section);
    if (found) return found;
    // crypt, alias, chunker… wrap another remote: "remote = dav:music".
    const inner = section.remote ? remoteOf(section.remote) : null;
    if (!inner) return null;
    name = inner;
  }
  return null;
}

/** What a TCP connect to a server says right now. */
export type ServerProbe = 'refused' | 'open' | 'timeout' | 'unknown';

const defaultPorts: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * Tries to open a TCP connection to "host:port" (or "[v6]:port"; a bare host means https's 443):
 * a dead server refuses, a frozen or overloaded one still accepts (its kernel does).
 */
export function probeServer(address: string, timeoutMs = 3000): Promise<ServerProbe> {
  let host: string;
  let port: number;
  try {
    const u = new URL(`https://${address}`);
    host = u.hostname.replace(/^\[|\]$/g, '');
    port = u.port ? Number(u.port) : (defaultPorts[u.protocol] ?? 443);
  } catch {
    return Promise.resolve('unknown');
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (r: ServerProbe) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'unknown'));
  });
}

// rclone's network errors in words a person can act on: "dial tcp 127.0.0.1:18081: connect:
// connection refused" becomes "dav: the server at 127.0.0.1:18081 does not answer". The raw
// text stays in the run's log; the history and the notification get the sentence.
import { remoteOf } from '../../../shared/remotes/remote-path.js';

/** The remote of a transfer: its last operand naming one (rclone copy SRC DST → DST's remote). */
export function remoteOfArgs(args: readonly string[]): string | null {
  const dash = args.indexOf('--');
  const operands = dash >= 0 ? args.slice(dash + 1) : args.filter((a) => !a.startsWith('-'));
  for (let i = operands.length - 1; i >= 0; i--) {
    const r = remoteOf(operands[i]!);
    if (r) return r;
  }
  return null;
}

// host:port as rclone prints it in Go's net errors: "1.2.3.4:80", "[::1]:8080", "nas.local:22".
const ADDR = String.raw`(\[[0-9a-fA-F:.%\w]+\]:\d+|[\w.-]+:\d+)`;
const rules: readonly { readonly re: RegExp; readonly words: (m: RegExpExecArray) => string }[] = [
  { re: new RegExp(String.raw`dial tcp ${ADDR}: connect: connection refused`), words: (m) => `the server at ${m[1]} does not answer` },
  { re: new RegExp(String.raw`dial tcp ${ADDR}: (?:i/o timeout|connect: connection timed out)`), words: (m) => `the server at ${m[1]} does not answer (timed out)` },
  { re: new RegExp(String.raw`dial tcp ${ADDR}: connect: (?:network is unreachable|no route to host)`), words: (m) => `the network to ${m[1]} is unreachable` },
  { re: /lookup ([\w.-]+)(?: on [^:]+:\d+)?: (?:no such host|server misbehaving)/, words: (m) => `the server name ${m[1]} is not known (check the address)` },
  { re: new RegExp(String.raw`(?:read|write) tcp [^\s>]+->${ADDR}: (?:read|write): connection reset by peer`), words: (m) => `the server at ${m[1]} dropped the connection` },
  { re: new RegExp(String.raw`(?:read|write) tcp [^\s>]+->${ADDR}: (?:read|write): broken pipe`), words: (m) => `the server at ${m[1]} dropped the connection` },
  { re: /net\/http: TLS handshake timeout/, words: () => 'the server did not complete a secure connection in time' },
  { re: /connection refused/, words: () => 'the server does not answer (connection refused)' },
];

/** Plain words for network trouble found in rclone's text, prefixed with the remote; null when there is none. */
export function networkReason(remote: string | null, text: string): string | null {
  for (const r of rules) {
    const m = r.re.exec(text);
    if (m) return `${remote ? `${remote}: ` : ''}${r.words(m)}`;
  }
  return null;
}

/**
 * Why the stall watchdog ended a transfer, told by what the server's port says now: refused is a
 * dead server ("dav: the server at 127.0.0.1:18081 does not answer …"), anything else one that
 * stopped answering (frozen, overloaded, or a network that drops packets).
 */
export function stallReason(remote: string | null, address: string | null, afterMs: number, probe: 'refused' | 'open' | 'timeout' | 'unknown' = 'unknown'): string {
  const quiet = afterMs >= 120_000 ? `${Math.round(afterMs / 60_000)} min` : `${Math.round(afterMs / 1000)} s`;
  const who = address ? `the server at ${address}` : remote ? 'its server' : 'the destination';
  const what = probe === 'refused' ? 'does not answer' : 'stopped answering';
  return `${remote ? `${remote}: ` : ''}${who} ${what} (nothing moved for ${quiet}); the transfer was ended.`;
}

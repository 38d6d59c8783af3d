// Where `reprise serve` listens and which addresses it answers to: the URL it prints (a browser
// must be able to open it, IPv6 included) and the Host-header check against DNS rebinding.

/** Whether a host is a loopback address (the default, safe binding). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === '127.0.0.1' || h === '::1' || h === 'localhost' || h === '[::1]';
}

/** Whether a host means "every interface". */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '';
}

// An IPv6 literal goes in brackets, and a zone ("%eth0") is written "%25eth0" inside a URL (RFC 6874).
function urlHost(host: string): string {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare.includes(':') ? `[${bare.replace(/%(?!25)/, '%25')}]` : bare;
}

/**
 * The host part of the URL to print for a bind address: a wildcard bind is reached through the
 * loopback of the same family (`::` → `[::1]`, `0.0.0.0` → `127.0.0.1`), because a browser cannot
 * open `http://[::]:PORT`.
 */
export function displayHost(bindHost: string): string {
  if (bindHost === '::' || bindHost === '[::]') return '[::1]';
  if (isWildcard(bindHost)) return '127.0.0.1';
  return urlHost(bindHost);
}

/** The URL `reprise serve` prints: the UI with the token that opens it. */
export function serveUrl(bindHost: string, port: number, token: string): string {
  return `http://${displayHost(bindHost)}:${port}/?token=${encodeURIComponent(token)}`;
}

export interface HostHeader {
  /** The name, lower case; an IPv6 literal keeps its brackets ("[::1]"). */
  readonly name: string;
  readonly port: number;
}

/** Parses a Host header ("127.0.0.1:8080", "[::1]:8080", "localhost"); null when malformed. */
export function parseHostHeader(value: string | undefined): HostHeader | null {
  if (!value || value.length > 300) return null;
  const m = /^(\[[0-9a-f:.]+(?:%25[\w.~-]+)?\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value);
  if (!m) return null;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port > 65535) return null;
  return { name: m[1]!.toLowerCase(), port };
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * DNS-rebinding defence: a request must name our port, and when we listen on loopback only a
 * loopback name (a page on evil.example resolved to 127.0.0.1 sends "Host: evil.example").
 * Listening on other interfaces, any name is accepted (the token still guards everything).
 */
export function hostAllowed(value: string | undefined, bindHost: string, port: number): boolean {
  const h = parseHostHeader(value);
  if (!h || h.port !== port) return false;
  return isLoopbackHost(bindHost) ? loopbackNames.has(h.name) : true;
}

/** A browser's Origin must be our own page's: "http://" + the Host it sent us. */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  return hostHeader !== undefined && origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}

// Serves the built renderer to `reprise serve`'s browser. Every request path is untrusted: a bad
// percent-escape ("%zz") is a 400, a path outside the folder a 404, and a file that vanishes
// while being read ends that one response, never the server.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';

const mime: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Answers with a short plain-text status (errors, refusals). */
export function plain(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' }).end(text);
}

/** The request's path, decoded; null when it is not a valid URL or has a bad escape. */
export function requestPath(rawUrl: string | undefined): string | null {
  try {
    const pathname = new URL(rawUrl ?? '/', 'http://x').pathname;
    const decoded = decodeURIComponent(pathname);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

function csp(hostHeader: string): string {
  return [
    "default-src 'self'",
    `connect-src 'self' ws://${hostHeader}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Serves one file of staticDir (index.html for app routes); the Host header was checked before. */
export function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse): void {
  let rel = requestPath(req.url);
  if (rel === null) return plain(res, 400, 'Bad request path');
  if (rel === '/' || !extname(rel)) rel = '/index.html';
  const root = normalize(staticDir);
  const file = normalize(join(root, rel));
  let isFile = false;
  try {
    isFile = file.startsWith(root + sep) && statSync(file).isFile();
  } catch {
    isFile = false; // ENOENT, ENAMETOOLONG, ELOOP…: not something we serve
  }
  if (!isFile) return plain(res, 404, 'Not found');
  res.writeHead(200, {
    'content-type': mime[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': csp(req.headers.host ?? ''),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': rel === '/index.html' ? 'no-store' : 'max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline destroys both ends on an error (client gone, file removed) instead of throwing.
  pipeline(createReadStream(file), res, () => undefined);
}

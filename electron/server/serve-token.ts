// The token of `reprise serve`, kept in the data folder (mode 0600) so that the address stays the
// same across restarts: an open browser tab reconnects by itself and a bookmark keeps working.
// `reprise serve --new-token` replaces it (the old link then stops working).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file name of the token inside the data folder. */
export const SERVE_TOKEN_FILE = 'serve-token';

const wellFormed = /^[A-Za-z0-9_-]{32,200}$/;

/** A fresh random token: 24 bytes, URL-safe. */
export function newServeToken(): string {
  return randomBytes(24).toString('base64url');
}

function write(file: string, token: string): void {
  // Written beside and renamed over, so a crash never leaves half a token.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/**
 * Reads the data folder's token, creating it on first use or when `rotate` asks for a new one.
 * A file that is empty or not a token (hand-edited, truncated) is replaced; one readable by
 * others is put back to 0600.
 */
export function loadServeToken(dataDir: string, opts: { readonly rotate?: boolean } = {}): { readonly token: string; readonly file: string; readonly created: boolean } {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, SERVE_TOKEN_FILE);
  if (!opts.rotate) {
    try {
      const token = readFileSync(file, 'utf8').trim();
      if (wellFormed.test(token)) {
        if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
        return { token, file, created: false };
      }
    } catch {
      // missing or unreadable: make a new one below
    }
  }
  const token = newServeToken();
  write(file, token);
  return { token, file, created: true };
}

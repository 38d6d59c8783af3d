// Finds the system Chromium (Debian's package): Playwright's own browser download is not used.
import { existsSync } from 'node:fs';

/** The Chromium binary for Playwright: REPRISE_CHROMIUM, else the usual system paths. */
export function chromiumPath(): string | undefined {
  const candidates = [process.env.REPRISE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((c): c is string => Boolean(c && existsSync(c)));
}

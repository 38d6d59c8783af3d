// Strips secrets from text before it is logged, stored or sent: credentials in URLs, and any
// secret values the core has registered (passwords set through Reprise).

const known = new Set<string>();

/** Registers a secret value so that redact() hides it wherever it appears. */
export function registerSecret(value: string): void {
  if (value.length >= 4) known.add(value);
}

/** Returns text with registered secrets and URL credentials replaced by ***. */
export function redact(text: string): string {
  // Every log line passes here: the checks before the regex and the splits keep that cheap.
  let out = text.includes('://') ? text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1***@') : text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

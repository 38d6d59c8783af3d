// Keeps secrets out of logs, errors, history rows and IPC payloads.
//
// Two layers: a registry of literal secret values (passwords the user typed, their obscured
// forms, tokens) that are replaced wherever they appear, and key-based masking for objects whose
// keys look secret (`pass`, `password`, `token`, `secret_access_key` …) so a secret we were never
// told about is still hidden when it travels under a telling name.

import { SECRET_MASK as MASK, isSecretName } from '../../../shared/remotes/mask.js';

const MIN_SECRET_LENGTH = 4;


// True when an option or object key names a secret whose value must never be shown.
export function isSecretKey(key: string): boolean {
  return isSecretName(key);
}

// A set of secret values to scrub from text. One per process is enough; tests make their own.
export class Redactor {
  private readonly secrets = new Set<string>();

  // onAdd lets the core's global redaction (logs, history, dispatch errors) learn each secret too.
  constructor(private readonly onAdd?: (secret: string) => void) {}

  // Remembers a secret (and its JSON-escaped form) so later text containing it is scrubbed.
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    if (this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.onAdd?.(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.secrets.add(escaped);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.secrets.add(encoded);
    // OAuth tokens arrive as JSON: their parts may be printed on their own.
    if (secret.startsWith('{')) {
      try {
        const parsed = JSON.parse(secret) as Record<string, unknown>;
        for (const [k, v] of Object.entries(parsed)) if (isSecretKey(k) && typeof v === 'string') this.add(v);
      } catch {
        // Not JSON after all: the whole string is already registered.
      }
    }
  }

  // Forgets a secret, e.g. after the config password is changed.
  delete(secret: string): void {
    this.secrets.delete(secret);
  }

  // Replaces every known secret in a string, longest first so overlapping secrets vanish fully.
  text(input: string): string {
    if (this.secrets.size === 0) return input;
    let out = input;
    const ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    for (const secret of ordered) out = out.split(secret).join(MASK);
    return out;
  }

  // Deep-copies a value, masking secret-named keys and scrubbing known secrets from strings.
  value<T>(input: T): T {
    return this.walk(input, undefined) as T;
  }

  private walk(input: unknown, key: string | undefined): unknown {
    if (typeof input === 'string') {
      if (key !== undefined && isSecretKey(key) && input !== '') return MASK;
      return this.text(input);
    }
    if (Array.isArray(input)) return input.map((item) => this.walk(item, undefined));
    if (input instanceof Error) {
      return { name: input.name, message: this.text(input.message) };
    }
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = this.walk(v, k);
      return out;
    }
    return input;
  }
}

export { MASK as SECRET_MASK };

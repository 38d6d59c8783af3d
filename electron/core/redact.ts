// Keeps secrets out of run logs, errors, history rows, the audit log and what travels to a client.
//
// One Redactor per core (no module state: two cores in one process, as tests make, keep their own
// secrets). Three layers: literal secret values the core was told about (passwords typed into
// Reprise, their obscured forms, OAuth tokens, the config password) replaced wherever they appear;
// credentials written into a URL (`https://user:pass@host`); and key-based masking of objects whose
// keys look secret (`pass`, `token`, `secret_access_key` …), so a secret Reprise was never told
// about is still hidden when it travels under a telling name.
import { SECRET_MASK as MASK, isSecretName } from '../../shared/remotes/mask.js';
import { RepriseError, type Result } from '../../shared/result.js';

const MIN_SECRET_LENGTH = 4;
// `scheme://user:password@` → the password part; the `includes('://')` check before it keeps the
// common log line (no URL) from paying for the regex.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

/** True when an option or object key names a secret whose value must never be shown. */
export function isSecretKey(key: string): boolean {
  return isSecretName(key);
}

/** The secret values one core knows, and the functions that scrub them from text and data. */
export class Redactor {
  private readonly secrets = new Set<string>();
  // Longest first, so a secret that contains another vanishes whole; rebuilt only when secrets change.
  private ordered: readonly string[] = [];

  /** Remembers a secret (and its JSON-escaped and URL-encoded forms) so later text containing it is scrubbed. */
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) this.secrets.add(escaped);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) this.secrets.add(encoded);
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
    // OAuth tokens arrive as JSON: their parts may be printed on their own.
    if (secret.startsWith('{')) {
      try {
        const parsed: unknown = JSON.parse(secret);
        if (typeof parsed === 'object' && parsed !== null) {
          for (const [k, v] of Object.entries(parsed)) if (isSecretKey(k) && typeof v === 'string') this.add(v);
        }
      } catch {
        // Not JSON after all: the whole string is already registered.
      }
    }
  }

  /** Forgets a secret, e.g. after the config password is changed. */
  delete(secret: string): void {
    if (!this.secrets.delete(secret)) return;
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  /** Text with every known secret and every URL password replaced by the mask. Every log line passes here. */
  text(input: string): string {
    let out = input.includes('://') ? input.replace(URL_CREDENTIALS, `$1${MASK}@`) : input;
    for (const secret of this.ordered) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }

  /** A deep copy of a value with secret-named keys masked and known secrets scrubbed from strings. */
  value<T>(input: T): T {
    return this.walk(input, undefined) as T;
  }

  /** The error with its message (and an AppError's hint and detail) scrubbed; other errors keep their class. */
  error(e: unknown): unknown {
    if (e instanceof RepriseError) return new RepriseError(this.value(e.appError));
    if (e instanceof Error) {
      e.message = this.text(e.message);
      return e;
    }
    return typeof e === 'string' ? this.text(e) : e;
  }

  /** Wraps command handlers so that no failure they return or throw carries a known secret. */
  handlers<H extends object>(handlers: H): H {
    const out: Record<string, unknown> = {};
    for (const [name, handler] of Object.entries(handlers) as [string, (req: unknown) => Promise<Result<unknown>>][]) {
      out[name] = async (req: unknown): Promise<Result<unknown>> => {
        try {
          const r = await handler(req);
          return r.ok ? r : { ok: false, error: this.value(r.error) };
        } catch (e) {
          throw this.error(e);
        }
      };
    }
    return out as H;
  }

  private walk(input: unknown, key: string | undefined): unknown {
    if (typeof input === 'string') {
      if (key !== undefined && isSecretKey(key) && input !== '') return MASK;
      return this.text(input);
    }
    if (Array.isArray(input)) return input.map((item) => this.walk(item, undefined));
    if (input instanceof Error) return { name: input.name, message: this.text(input.message) };
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = this.walk(v, k);
      return out;
    }
    return input;
  }
}

export { MASK as SECRET_MASK };

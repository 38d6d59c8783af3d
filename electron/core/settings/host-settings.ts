// Settings that are not jobs: where `reprise serve` listens, and how patient runs are with a slow
// or dead server. Each block is read through its own schema with defaults, so a missing or
// hand-mangled value falls back to the default instead of stopping backups.
import { z } from 'zod';
import type { Settings } from './settings.js';

/** `reprise serve`'s port when neither `--port` nor settings name one: a stable address. */
export const DEFAULT_SERVE_PORT = 47474;

const serveSchema = z.object({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).max(255).optional(),
});

/** `settings.serve`: `{ "port": 47474, "host": "127.0.0.1" }`, both optional. */
export function serveSettings(settings: Settings): { readonly port?: number; readonly host?: string } {
  const parsed = serveSchema.safeParse(settings.serve ?? {});
  return parsed.success ? parsed.data : {};
}

const networkSchema = z.object({
  /** End an rclone transfer that moved nothing for this long (the server stopped answering). */
  stallAfterSeconds: z.number().min(1).max(24 * 3600).default(300),
  /** Attempts per destination for network failures, the first included. */
  retryAttempts: z.number().int().min(1).max(10).default(3),
  /** Wait before the second attempt; each later wait is four times longer. */
  retryDelaySeconds: z.number().min(0).max(3600).default(30),
});

export type NetworkSettings = z.infer<typeof networkSchema>;

/** `settings.network`, defaults filled in; an invalid block is ignored as a whole. */
export function networkSettings(settings: Settings): NetworkSettings {
  const parsed = networkSchema.safeParse(settings.network ?? {});
  return parsed.success ? parsed.data : networkSchema.parse({});
}

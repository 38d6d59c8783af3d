// The audit log: what changed remotes and the rclone config, and every run, newest first.
import { z } from 'zod';
import type { AuditEntry } from '../audit.js';
import type { Command } from './common.js';

export const auditListSchema = z.object({
  limit: z.number().int().min(1).max(10_000).default(200),
  /** Only operations starting with this ("files", "remote", "run"). */
  operation: z.string().max(100).optional(),
});

export const auditSchemas = {
  'audit:list': auditListSchema,
} as const;

export interface AuditCommands {
  'audit:list': Command<z.infer<typeof auditListSchema>, readonly AuditEntry[]>;
}

// Building blocks for the per-area contract files.
import { z } from 'zod';

/** A command's request and response types. */
export interface Command<Req, Res> {
  readonly req: Req;
  readonly res: Res;
}

/** The request of a command that takes nothing. */
export const emptyRequest = z.object({}).strict();
export type EmptyRequest = z.infer<typeof emptyRequest>;

/** A user-visible name: a job's, a destination's. Printable, trimmed, not too long. */
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(100, 'a name is at most 100 characters')
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a name cannot contain control characters');

/** A path typed by a user: any characters but NUL, which no file system accepts. */
export const pathSchema = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'a path is at most 4096 characters')
  .refine((s) => !s.includes('\u0000'), 'a path cannot contain NUL');

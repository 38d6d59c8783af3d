// What a WebSocket client may send: one JSON object `{type: "invoke", id, name, req}` per text
// frame. Checked against a schema before any property is read, so `null`, `42`, `[]` or a binary
// frame get a plain error answer instead of a TypeError that would end the server.
import { z } from 'zod';
import type { InvokeMessage } from '../../shared/channels.js';

const invokeSchema: z.ZodType<InvokeMessage> = z.object({
  type: z.literal('invoke'),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  name: z.string().max(200),
  req: z.unknown().optional(),
});

export type ParsedMessage = { readonly ok: true; readonly msg: InvokeMessage } | { readonly ok: false; readonly id: number | null; readonly message: string };

/** Reads one client frame; never throws. */
export function parseClientMessage(data: unknown, isBinary: boolean): ParsedMessage {
  if (isBinary) return { ok: false, id: null, message: 'binary frames are not accepted; send JSON text' };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  } catch {
    // Also catches a RangeError from absurdly deep nesting.
    return { ok: false, id: null, message: 'not JSON' };
  }
  const parsed = invokeSchema.safeParse(value);
  if (!parsed.success) {
    const id = typeof value === 'object' && value !== null && !Array.isArray(value) && Number.isSafeInteger((value as { id?: unknown }).id) ? ((value as { id: number }).id) : null;
    return { ok: false, id, message: 'expected {type:"invoke", id, name, req}' };
  }
  return { ok: true, msg: parsed.data };
}

// Alerts: notify on success or not, the webhook address, and a test send.
import { z } from 'zod';
import type { AlertSettings } from '../alerts.js';
import { type Command, type EmptyRequest, emptyRequest } from './common.js';

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^https?:\/\/\S+$/i, 'a webhook address starts with https:// or http://');
export const alertSettingsSchema = z.object({
  notifyOnSuccess: z.boolean(),
  webhookUrl: webhookUrl.nullable(),
});
/** The address to test: the one typed in the form (saved or not), else the saved one. */
export const alertTestSchema = z.object({ webhookUrl: webhookUrl.optional() }).strict();

export const alertSchemas = {
  'alerts:get': emptyRequest,
  'alerts:set': alertSettingsSchema,
  'alerts:test': alertTestSchema,
} as const;

export interface AlertCommands {
  'alerts:get': Command<EmptyRequest, AlertSettings>;
  'alerts:set': Command<z.infer<typeof alertSettingsSchema>, AlertSettings>;
  /** Sends a test notification to the configured webhook and says whether it arrived. */
  'alerts:test': Command<z.infer<typeof alertTestSchema>, { readonly status: number }>;
}

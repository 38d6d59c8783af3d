// Remotes (setup wizard, OAuth, crypt, test), the remote browser and mounts.
import { z } from 'zod';
import type {
  AddRemoteOutcome,
  BrowseListing,
  ConnectionTest,
  MountsOverview,
  MountView,
  RcloneConfigState,
  RemoteDetail,
  RemoteQuota,
  RemoteSummary,
} from '../remotes/types.js';
import type { WizardModel } from '../remotes/wizard-model.js';
import type { RemoteInfo } from '../model.js';
import { remoteNameProblem } from '../remotes/names.js';
import { remoteTargetProblem } from '../remotes/remote-path.js';
import { type Command, type EmptyRequest, emptyRequest, pathSchema } from './common.js';

/** A remote name as rclone and Reprise accept it. */
export const remoteNameSchema = z.string().superRefine((name, ctx) => {
  const problem = remoteNameProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/\.$/, '') });
});

const optionKey = z.string().regex(/^[a-z0-9_]{1,64}$/, 'an option name is lower-case letters, digits and _');
const optionValue = z.string().max(65_536).refine((v) => !/[\r\n]/.test(v), 'an option value cannot contain a line break');
const optionsSchema = z.record(optionKey, optionValue).refine((o) => Object.keys(o).length <= 200, 'too many options');
/** A path inside a remote (may be empty for the root). */
const remoteInnerPath = z.string().max(4096).refine((s) => !/[\u0000\r\n]/.test(s), 'a path cannot contain control characters');
/** "remote:path". */
const remoteTarget = z.string().max(4200).superRefine((s, ctx) => {
  const problem = remoteTargetProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem.replace(/\.$/, '') });
});
const cryptPassword = z.string().min(12, 'use at least 12 characters').max(1024);

export const remoteRefSchema = z.object({ name: remoteNameSchema });

export const remoteSchemas = {
  'remotes:list': emptyRequest,
  'remotes:config': emptyRequest,
  'remotes:unlock': z.object({ password: z.string().min(1).max(1024) }),
  'remotes:use-config': z.object({ path: pathSchema.nullable() }),
  'remotes:providers': emptyRequest,
  'remotes:get': remoteRefSchema,
  'remotes:add': z.object({ name: remoteNameSchema, type: z.string().regex(/^[a-z0-9][a-z0-9 ]{0,40}$/, 'unknown storage type'), options: optionsSchema.default({}) }),
  'remotes:update': z.object({ name: remoteNameSchema, options: optionsSchema }),
  'remotes:remove': z.object({ name: remoteNameSchema, force: z.boolean().default(false) }),
  'remotes:test': z.object({ name: remoteNameSchema, timeoutMs: z.number().int().min(1000).max(120_000).default(20_000) }),
  'remotes:crypt': z.object({ name: remoteNameSchema, target: remoteTarget, password: cryptPassword, salt: cryptPassword, encryptNames: z.boolean().default(true) }),
  'browse:list': z.object({ remote: remoteNameSchema, path: remoteInnerPath.default('') }),
  'browse:size': z.object({ remote: remoteNameSchema, path: remoteInnerPath.default('') }),
  'browse:about': z.object({ remote: remoteNameSchema }),
  'browse:download': z.object({ remote: remoteNameSchema, path: remoteInnerPath, isDir: z.boolean(), to: pathSchema }),
  'mounts:list': emptyRequest,
  'mounts:mount': z.object({
    fs: remoteTarget,
    mountPoint: pathSchema.optional(),
    readOnly: z.boolean().default(true),
    cacheMode: z.enum(['off', 'minimal', 'writes', 'full']).default('off'),
    persist: z.boolean().default(false),
  }),
  'mounts:unmount': z.object({ mountPoint: pathSchema }),
  'mounts:persist': z.object({ mountPoint: pathSchema, persist: z.boolean() }),
  'mounts:remove': z.object({ mountPoint: pathSchema }),
} as const;

type Req<K extends keyof typeof remoteSchemas> = z.infer<(typeof remoteSchemas)[K]>;

export interface RemoteCommands {
  /** The remotes of the rclone config, as `rclone listremotes --long` names them. */
  'remotes:list': Command<EmptyRequest, readonly RemoteInfo[]>;
  /** Which rclone config is used; whether it is encrypted and still locked. */
  'remotes:config': Command<EmptyRequest, RcloneConfigState>;
  /** Opens an encrypted rclone config; the password stays in the core's memory. */
  'remotes:unlock': Command<Req<'remotes:unlock'>, RcloneConfigState>;
  /** Chooses the rclone config file in settings (null: rclone's own default). */
  'remotes:use-config': Command<Req<'remotes:use-config'>, RcloneConfigState>;
  /** The setup wizard generated from the installed rclone's providers. */
  'remotes:providers': Command<EmptyRequest, WizardModel>;
  /** One remote with its options; secrets masked. */
  'remotes:get': Command<Req<'remotes:get'>, RemoteDetail>;
  /** Adds a remote; OAuth backends continue with a browser sign-in (see remotes:authorize events); ops:cancel with its sessionId stops the sign-in. */
  'remotes:add': Command<Req<'remotes:add'>, AddRemoteOutcome>;
  /** Changes options; a masked value keeps the stored secret. */
  'remotes:update': Command<Req<'remotes:update'>, RemoteSummary>;
  /** Deletes a remote; refused while a job uses it unless force. */
  'remotes:remove': Command<Req<'remotes:remove'>, { readonly removed: string }>;
  'remotes:test': Command<Req<'remotes:test'>, ConnectionTest>;
  /** Wraps remote:path in an encrypting remote with the given passwords. */
  'remotes:crypt': Command<Req<'remotes:crypt'>, RemoteSummary>;
  'browse:list': Command<Req<'browse:list'>, BrowseListing>;
  'browse:size': Command<Req<'browse:size'>, { readonly count: number; readonly bytes: number }>;
  /** Quota, or null where the provider does not report it. */
  'browse:about': Command<Req<'browse:about'>, RemoteQuota | null>;
  /** Starts a download; progress arrives as browse:download events; ops:cancel with its id stops it. */
  'browse:download': Command<Req<'browse:download'>, { readonly id: string }>;
  'mounts:list': Command<EmptyRequest, MountsOverview>;
  'mounts:mount': Command<Req<'mounts:mount'>, MountView>;
  'mounts:unmount': Command<Req<'mounts:unmount'>, MountView>;
  /** Mount again (or not) when Reprise starts. */
  'mounts:persist': Command<Req<'mounts:persist'>, MountView>;
  'mounts:remove': Command<Req<'mounts:remove'>, { readonly removed: string }>;
}

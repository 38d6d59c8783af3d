// The one contract between the core and every client: commands (`noun:verb`, one argument in,
// Result out) and events. A missing schema, handler or event name is a compile error.
import type { z } from 'zod';
import type { Job, RunProgress, RunSummary } from './model.js';
import type { Result } from './result.js';
import { type AppCommands, type OpenView, appSchemas } from './contract/app.js';
import { type FolderCommands, folderSchemas } from './contract/folders.js';
import { type JobCommands, jobSchemas } from './contract/jobs.js';
import { type RunCommands, runSchemas } from './contract/runs.js';
import { type RestoreCommands, restoreSchemas } from './contract/restore.js';
import { type RemoteCommands, remoteSchemas } from './contract/remotes.js';
import { type SchedulerCommands, type SchedulerStatusDto, schedulerSchemas } from './contract/scheduler.js';
import { type AuditCommands, auditSchemas } from './contract/audit.js';
import { type RunFailureCommands, runFailureSchemas } from './contract/run-failures.js';
import { type FileCommands, fileSchemas } from './contract/files.js';
import type { FileOpProgress } from './files.js';
import { type AlertCommands, alertSchemas } from './contract/alerts.js';
import { type TrayCommands, traySchemas } from './contract/tray.js';
import { type OpsCommands, opsSchemas } from './contract/ops.js';
import type { RestoreProgressEvent } from './restore.js';
import type { AuthorizeUpdate, DownloadUpdate, MountView, RemoteSummary } from './remotes/types.js';
import type { AppNotification } from './alerts.js';
import type { TrayState } from './tray-state.js';

export interface Commands extends AppCommands, FolderCommands, JobCommands, RunCommands, RestoreCommands, RemoteCommands, SchedulerCommands, AlertCommands, TrayCommands, AuditCommands, RunFailureCommands, FileCommands, OpsCommands {}

export type CommandName = keyof Commands;
export type Req<K extends CommandName> = Commands[K]['req'];
export type Res<K extends CommandName> = Commands[K]['res'];

/** Every command's request schema: validated once, in dispatch, for every transport. */
export const requestSchemas: { readonly [K in CommandName]: z.ZodType<Req<K>, unknown> } = {
  ...appSchemas,
  ...folderSchemas,
  ...jobSchemas,
  ...runSchemas,
  ...restoreSchemas,
  ...remoteSchemas,
  ...schedulerSchemas,
  ...alertSchemas,
  ...traySchemas,
  ...auditSchemas,
  ...runFailureSchemas,
  ...fileSchemas,
  ...opsSchemas,
};

/** The allowlist of command names, for the preload bridge and the transports. */
export const commandNames = Object.keys(requestSchemas) as readonly CommandName[];

/** Events pushed from the core to every client. */
export interface Events {
  'runs:started': RunSummary;
  'runs:progress': RunProgress;
  'runs:finished': RunSummary;
  'files:progress': FileOpProgress;
  /** Another process (a `reprise run`, `reprise job add`) changed the history: read it again. */
  'history:changed': { readonly at: number };
  'jobs:changed': { readonly jobs: readonly Job[] };
  'restore:progress': RestoreProgressEvent;
  'remotes:changed': { readonly remotes: readonly RemoteSummary[] };
  'remotes:authorize': AuthorizeUpdate;
  'browse:download': DownloadUpdate;
  'mounts:changed': { readonly mounts: readonly MountView[] };
  'tray:state': TrayState;
  'scheduler:changed': SchedulerStatusDto;
  'notifications:raised': AppNotification;
  /** The window should show this place (a tray entry or a notification was clicked). */
  'app:navigate': OpenView;
}
export type EventName = keyof Events;

const eventTable: Record<EventName, true> = {
  'runs:started': true,
  'runs:progress': true,
  'runs:finished': true,
  'files:progress': true,
  'history:changed': true,
  'jobs:changed': true,
  'restore:progress': true,
  'remotes:changed': true,
  'remotes:authorize': true,
  'browse:download': true,
  'mounts:changed': true,
  'tray:state': true,
  'scheduler:changed': true,
  'notifications:raised': true,
  'app:navigate': true,
};
/** The allowlist of event names. */
export const eventNames = Object.keys(eventTable) as readonly EventName[];

/** What a host must implement: one async handler per command. */
export type Handlers = { readonly [K in CommandName]: (req: Req<K>) => Promise<Result<Res<K>>> };

/** What a client sees: the same commands, over whichever transport. */
export interface Bridge {
  invoke<K extends CommandName>(name: K, req: Req<K>): Promise<Result<Res<K>>>;
  on<E extends EventName>(name: E, listener: (payload: Events[E]) => void): () => void;
}

/** Type guard: is this string one of our command names? */
export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(requestSchemas, name);
}

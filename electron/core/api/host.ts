// The core as a host sees it: the contract's handlers and events, and nothing of the core's
// insides. Hosts (electron/desktop, electron/server, electron/cli) import the core only through
// electron/core/api/ (this file, dispatch.ts, local-client.ts); `npm run lint` refuses the rest.
import type { Handlers } from '../../../shared/contract.js';
import { type CoreOptions, createCore } from '../core.js';
import type { EventBus } from '../events.js';
import type { UploadStaging } from '../files/upload-staging.js';
import { ManualClock } from '../scheduler/clock.js';
import type { Settings } from '../settings/settings.js';
import { TEST_CLOCK_ENV, type TestSeams, testSeams } from './test-seams.js';

// What hosts need besides the contract: where the data lives, their own settings block, the
// settings store of the desktop app, version and install folder, the start-at-login seam's type.
export { resolveDataDir } from '../data-dir.js';
export { DEFAULT_SERVE_PORT, serveSettings } from '../settings/host-settings.js';
export { type Settings, type SettingsStore, settingsSchema } from '../settings/settings.js';
export { appRoot, repriseVersion } from '../version.js';
export type { StartAtLogin } from '../app/app-handlers.js';
export type { EventBus } from '../events.js';
// serve's upload route streams a browser's files into the core's staged uploads.
export { UploadRefused, type UploadStaging } from '../files/upload-staging.js';

/** A running core, as hosts hold it. */
export interface CoreDoor {
  /** One handler per contract command; reach them through dispatch (a transport, or localClient). */
  readonly handlers: Handlers;
  readonly events: EventBus;
  /** The test-only commands, when the core was opened with REPRISE_TEST_CLOCK; null in production. */
  readonly seams: TestSeams | null;
  readonly dataDir: string;
  /** Where files sent from a browser's computer wait for files:upload (serve's HTTP upload route). */
  readonly uploads: UploadStaging;
  /** The settings as saved (a host reads its own block: serve's port and address). */
  settings(): Settings;
  /** Cancels runs, stops children, unmounts, closes the databases. */
  close(): Promise<void>;
}

export type HostCoreOptions = Omit<CoreOptions, 'clock' | 'children' | 'now' | 'remotes' | 'retry' | 'tools'>;

/** Opens the core for a host. REPRISE_TEST_CLOCK=<epoch ms> (tests only) starts it on a clock the tests move with `scheduler:test-clock`. */
export function openCore(options: HostCoreOptions, env: NodeJS.ProcessEnv = process.env): CoreDoor {
  const testClock = env[TEST_CLOCK_ENV];
  const clock = testClock ? new ManualClock(Number(testClock) || Date.now()) : null;
  const core = createCore({ ...options, ...(clock ? { clock } : {}) });
  return {
    handlers: core.handlers,
    events: core.events,
    seams: clock ? testSeams(clock, () => core.scheduler.tick()) : null,
    dataDir: core.dataDir,
    uploads: core.uploads,
    settings: () => core.settings.read(),
    close: () => core.close(),
  };
}

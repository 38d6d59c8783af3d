// The contract's scheduler:* commands (state, pause/resume, how many at once, a wake after sleep),
// checking a cron expression, and the tray state the scheduler keeps.
import type { Handlers } from '../../../shared/contract.js';
import { fail, ok } from '../../../shared/result.js';
import { type SettingsStore, updateSettings } from '../settings/settings.js';
import { checkCron, nextRunTimes } from './cron.js';
import type { SchedulerService } from './scheduler-service.js';

type SchedulerHandlers = Pick<Handlers, 'scheduler:status' | 'scheduler:pause' | 'scheduler:resume' | 'scheduler:wake' | 'scheduler:set-concurrency' | 'schedules:check' | 'tray:get'>;

export interface SchedulerHandlerDeps {
  readonly scheduler: SchedulerService;
  readonly settings: SettingsStore;
  readonly now: () => number;
  /** IANA zone schedules are read in; default the process's zone. */
  readonly timezone?: string;
}

/** The scheduler:* handlers (and tray:get). */
export function schedulerHandlers(d: SchedulerHandlerDeps): SchedulerHandlers {
  return {
    'scheduler:status': async () => ok(d.scheduler.status()),
    'scheduler:pause': async (req) => ok(d.scheduler.pause(req.choice)),
    'scheduler:resume': async () => ok(d.scheduler.resume()),
    'scheduler:wake': async () => {
      d.scheduler.tick();
      return ok({ now: d.now() });
    },
    'scheduler:set-concurrency': async (req) => {
      updateSettings(d.settings, (s) => ({ ...s, concurrency: req.concurrency }));
      d.scheduler.setConcurrency(req.concurrency);
      return ok({ concurrency: req.concurrency });
    },
    'schedules:check': async (req) => {
      const c = checkCron(req.expression);
      if (!c.ok) return fail('invalid-request', c.error.message, { hint: c.error.hint });
      return ok({ expression: c.expression, description: c.description, nextRuns: nextRunTimes(c.expression, d.now(), req.count, d.timezone) });
    },
    'tray:get': async () => ok(d.scheduler.trayState()),
  };
}

// Where the audit log hears about operations: every finished run (from its event), and the contract
// commands that change the rclone config (wrapped by name, so each host — window, CLI, serve — is
// audited the same way without its own code).
import type { Handlers } from '../../../shared/contract.js';
import type { AuditActor, AuditResult } from '../../../shared/audit.js';
import type { Job, Outcome } from '../../../shared/model.js';
import { RepriseError, ok } from '../../../shared/result.js';
import type { EventBus } from '../events.js';
import type { AuditLog } from './audit-log.js';

/** Who a core acts for by default. */
export function actorOf(host: 'electron' | 'serve' | 'cli'): AuditActor {
  return host === 'electron' ? 'window' : host;
}

function resultOf(outcome: Outcome, dryRun: boolean): AuditResult {
  if (dryRun && outcome === 'success') return 'dry-run';
  if (outcome === 'success') return 'ok';
  if (outcome === 'partial') return 'partial';
  if (outcome === 'cancelled') return 'cancelled';
  return 'failed';
}

/** Logs every finished run: who started it, its sources, its destinations, how it ended. */
export function auditRuns(events: EventBus, audit: AuditLog, jobs: () => readonly Job[]): () => void {
  return events.on('runs:finished', (run) => {
    const job = jobs().find((j) => j.id === run.jobId);
    audit.record({
      actor: run.trigger === 'schedule' || run.trigger === 'catch-up' ? 'schedule' : run.trigger === 'cli' ? 'cli' : audit.actor,
      operation: run.dryRun ? 'run (dry run)' : 'run',
      source: job ? job.sources.join(', ') : run.jobName,
      // A run that failed before any destination (an unreachable source) still names where it was going.
      destination: (run.destinations.length > 0 ? run.destinations.map((d) => d.target) : (job?.destinations.map((d) => d.target) ?? [])).join(', ') || null,
      result: resultOf(run.outcome, run.dryRun),
      files: run.files,
      bytes: run.bytes,
      detail: [`job ${run.jobName}, run ${run.id}`, run.firstError].filter(Boolean).join(': '),
    });
  });
}

/** The rclone config commands that change something, and how each is described. */
const CONFIG_CHANGES = {
  'remotes:add': (req: { name: string; type: string }) => ({ operation: 'remote add', destination: req.name, detail: `type ${req.type}` }),
  'remotes:update': (req: { name: string; options: Record<string, string> }) => ({ operation: 'remote update', destination: req.name, detail: `options ${Object.keys(req.options).sort().join(', ')}` }),
  'remotes:remove': (req: { name: string }) => ({ operation: 'remote remove', destination: req.name, detail: null }),
  'remotes:crypt': (req: { name: string; target: string }) => ({ operation: 'remote add (crypt)', source: req.target, destination: req.name, detail: null }),
  'remotes:use-config': (req: { path: string | null }) => ({ operation: 'config file', destination: req.path ?? 'rclone default', detail: null }),
} as const;

/**
 * Wraps the handlers that change the rclone config so each call is logged with its result. An OAuth
 * remote is saved only when its browser sign-in ends, in the background: with `events`, that end
 * (signed in, failed, cancelled) is logged then, from its remotes:authorize update.
 */
export function auditConfigChanges(handlers: Handlers, audit: AuditLog, events?: EventBus): Handlers {
  // Sign-ins under way: session id → what the add said, and who asked.
  const signIns = new Map<string, { operation: string; source?: string; destination: string; detail: string | null; actor: AuditActor }>();
  events?.on('remotes:authorize', (u) => {
    const d = signIns.get(u.sessionId);
    if (!d || u.state === 'starting' || u.state === 'waiting') return;
    signIns.delete(u.sessionId);
    const result: AuditResult = u.state === 'done' ? 'ok' : u.state === 'cancelled' ? 'cancelled' : 'failed';
    audit.record({ ...d, operation: `${d.operation} (OAuth sign-in)`, result, detail: [d.detail, u.state === 'done' ? 'signed in through the browser' : (u.message ?? null)].filter(Boolean).join('; ') });
  });
  const out = { ...handlers } as Record<string, (req: unknown) => Promise<unknown>>;
  for (const [name, describe] of Object.entries(CONFIG_CHANGES)) {
    const inner = out[name]!;
    out[name] = async (req: unknown) => {
      const d = (describe as (q: unknown) => { operation: string; source?: string; destination: string; detail: string | null })(req);
      let r: { ok: boolean; error?: { message: string }; value?: { status?: string } };
      try {
        r = (await inner(req)) as typeof r;
      } catch (e) {
        // Handlers may throw their errors (dispatch turns them into Results): a failure all the same.
        const message = e instanceof RepriseError ? e.appError.message : e instanceof Error ? e.message : String(e);
        audit.record({ ...d, result: 'failed', detail: message });
        throw e;
      }
      // An OAuth remote is only added when its browser sign-in ends; the start is not a change yet.
      if (r.ok && r.value?.status === 'authorize') {
        const sessionId = (r.value as { sessionId?: string }).sessionId;
        if (sessionId) signIns.set(sessionId, { ...d, actor: audit.actor });
        return r;
      }
      audit.record({ ...d, result: r.ok ? 'ok' : 'failed', detail: r.ok ? d.detail : (r.error?.message ?? 'failed') });
      return r;
    };
  }
  return out as unknown as Handlers;
}

/** The audit commands. */
export function auditHandlers(audit: AuditLog): Pick<Handlers, 'audit:list'> {
  return {
    'audit:list': async (req) => ok(audit.list({ limit: req.limit, operation: req.operation })),
  };
}

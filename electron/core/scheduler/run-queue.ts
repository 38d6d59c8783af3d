// Runs jobs with a concurrency limit, never two runs of one job at once: in this process (a
// second request for a queued or running job is refused, not stacked) and across processes
// (the job's lock in the data dir is taken before a run starts and given back after it).
import { type AlreadyRunning, type JobLocks } from './job-lock.js';

export interface RunRequest {
  readonly jobId: string;
  readonly jobName: string;
  /** Why the run happens (schedule, catch-up, manual, cli); passed through to `execute`. */
  readonly trigger: string;
  readonly dryRun?: boolean;
  /** Mirrors list and sync everything instead of topping up. */
  readonly full?: boolean;
}

export type QueueOutcome<R> =
  | { readonly status: 'finished'; readonly value: R }
  | { readonly status: 'rejected'; readonly error: AlreadyRunning }
  | { readonly status: 'cancelled' }
  | { readonly status: 'crashed'; readonly error: unknown };

export interface QueueRefusal {
  readonly kind: 'already-running' | 'already-queued';
  readonly message: string;
}

export type Submission<R> =
  | { readonly ok: true; readonly state: 'started' | 'queued'; readonly done: Promise<QueueOutcome<R>> }
  | { readonly ok: false; readonly error: QueueRefusal };

export interface QueueSnapshot {
  readonly running: readonly RunRequest[];
  readonly queued: readonly RunRequest[];
  readonly concurrency: number;
}

export interface RunQueueOptions<R> {
  readonly concurrency: number;
  /** Cross-process locks; without them only this process is guarded. */
  readonly locks?: JobLocks;
  /** How this process names itself in "already running in …" messages. */
  readonly lockLabel?: string;
  /** Does the run; must honour the signal (cancel). */
  readonly execute: (req: RunRequest, signal: AbortSignal) => Promise<R>;
  readonly onChange?: (snapshot: QueueSnapshot) => void;
}

interface Entry<R> {
  readonly req: RunRequest;
  readonly resolve: (o: QueueOutcome<R>) => void;
  controller?: AbortController;
}

/** A FIFO of job runs with a concurrency limit and one run per job. */
export class RunQueue<R> {
  private concurrency: number;
  private readonly queued: Entry<R>[] = [];
  private readonly running = new Map<string, Entry<R>>();
  private readonly idleWaiters: (() => void)[] = [];
  private cancelPoll: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: RunQueueOptions<R>) {
    this.concurrency = Math.max(1, Math.floor(opts.concurrency));
  }

  /** Asks for a run; refused at once when the job is already queued or running anywhere. */
  submit(req: RunRequest): Submission<R> {
    if (this.running.has(req.jobId)) return { ok: false, error: { kind: 'already-running', message: `"${req.jobName}" is already running.` } };
    if (this.queued.some((e) => e.req.jobId === req.jobId)) return { ok: false, error: { kind: 'already-queued', message: `"${req.jobName}" is already waiting to run.` } };
    const blocker = this.opts.locks?.blocker(req.jobId, req.jobName);
    if (blocker) return { ok: false, error: { kind: 'already-running', message: blocker.message } };
    let resolve!: (o: QueueOutcome<R>) => void;
    const done = new Promise<QueueOutcome<R>>((r) => (resolve = r));
    let refused: AlreadyRunning | null = null;
    this.queued.push({
      req,
      resolve: (o) => {
        if (o.status === 'rejected') refused = o.error;
        resolve(o);
      },
    });
    this.pump();
    // Another process took the lock between the check above and our start: refuse like above.
    if (refused) return { ok: false, error: { kind: 'already-running', message: (refused as AlreadyRunning).message } };
    const state = this.running.has(req.jobId) ? 'started' : 'queued';
    this.changed();
    return { ok: true, state, done };
  }

  /** Cancels a queued run (it never starts) or aborts a running one. False when neither. */
  cancel(jobId: string): boolean {
    const i = this.queued.findIndex((e) => e.req.jobId === jobId);
    if (i >= 0) {
      const [entry] = this.queued.splice(i, 1);
      entry!.resolve({ status: 'cancelled' });
      this.changed();
      this.settleIdle();
      return true;
    }
    const run = this.running.get(jobId);
    if (!run) return false;
    run.controller?.abort();
    return true;
  }

  /** Drops every waiting run (shutdown); running ones are left to their own cancel. */
  clearWaiting(): void {
    for (const entry of this.queued.splice(0)) entry.resolve({ status: 'cancelled' });
    this.changed();
    this.settleIdle();
  }

  /** Changes the limit; more runs start at once when it grows. */
  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, Math.floor(n));
    this.pump();
    this.changed();
  }

  snapshot(): QueueSnapshot {
    return { running: [...this.running.values()].map((e) => e.req), queued: this.queued.map((e) => e.req), concurrency: this.concurrency };
  }

  /** Resolves when nothing is queued or running (shutdown, tests). */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.queued.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queued.length > 0) {
      const entry = this.queued.shift()!;
      const lock = this.opts.locks?.acquire(entry.req.jobId, entry.req.jobName, this.opts.lockLabel ?? `process ${process.pid}`);
      if (lock && !lock.ok) {
        // Another process started the same job while this request waited: it is being backed
        // up right now, which is what the request wanted; report it rather than run twice.
        entry.resolve({ status: 'rejected', error: lock.error });
        continue;
      }
      entry.controller = new AbortController();
      this.running.set(entry.req.jobId, entry);
      this.watchCancelRequests();
      void this.execute(entry, lock?.ok ? lock.lock.release : () => {});
    }
    this.settleIdle();
  }

  private async execute(entry: Entry<R>, release: () => void): Promise<void> {
    let outcome: QueueOutcome<R>;
    try {
      outcome = { status: 'finished', value: await this.opts.execute(entry.req, entry.controller!.signal) };
    } catch (error) {
      outcome = { status: 'crashed', error };
    } finally {
      release();
      this.running.delete(entry.req.jobId);
    }
    entry.resolve(outcome);
    this.pump();
    this.changed();
  }

  // `reprise cancel` in another process marks the lock; look for that while runs are live.
  // Real time (not the injected clock): this is about another process, not about schedules.
  private watchCancelRequests(): void {
    const locks = this.opts.locks;
    if (!locks || this.cancelPoll) return;
    this.cancelPoll = setInterval(() => {
      if (this.running.size === 0) {
        clearInterval(this.cancelPoll!);
        this.cancelPoll = null;
        return;
      }
      for (const [jobId, entry] of this.running) if (locks.cancelRequested(jobId)) entry.controller?.abort();
    }, 500);
    this.cancelPoll.unref?.();
  }

  private changed(): void {
    this.opts.onChange?.(this.snapshot());
  }

  private settleIdle(): void {
    if (this.running.size > 0 || this.queued.length > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

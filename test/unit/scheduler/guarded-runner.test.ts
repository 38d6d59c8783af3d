// A destination retried after a failure: "what changed" in History is the last attempt's, which
// compared with the last point again — not every attempt's list one after another (a mirror retried
// three times listed each added file three times); and the wait names the side that failed.
import { describe, expect, it } from 'vitest';
import { ChangeRecorder, readChanges } from '../../../electron/core/history/change-log.js';
import { systemClock } from '../../../electron/core/scheduler/clock.js';
import { guardRunner } from '../../../electron/core/scheduler/guarded-runner.js';
import type { DestinationContext, DestinationOutcome, DestinationRunner } from '../../../electron/core/runs/destination-runner.js';

const failed: DestinationOutcome = { outcome: 'failed', bytes: 0, files: 0, errors: 1, firstError: 'connection reset by peer', failure: { tool: 'rclone', exitCode: 5, kind: 'exit-code' } };
const succeeded: DestinationOutcome = { outcome: 'success', bytes: 3, files: 1, errors: 0, firstError: null };

/** The context a run manager hands a runner, with the parts this guard reads: a remote target (no presence check). */
function context(changes: ChangeRecorder, log: string[], reasons: Array<string | null> = []): DestinationContext {
  const ctx: Partial<DestinationContext> = {
    job: { id: 'j' } as DestinationContext['job'],
    dest: { id: 'd', kind: 'mirror', target: 'dav:music' } as DestinationContext['dest'],
    dryRun: false,
    signal: new AbortController().signal,
    log: (l) => log.push(l),
    progress: (p) => reasons.push(p.retry?.reason ?? null),
    change: (c) => changes.add(c),
    restartChanges: () => changes.reset(),
    now: () => Date.now(),
  };
  return ctx as DestinationContext;
}

describe('a destination retried after a failed attempt', () => {
  it("keeps only the last attempt's changes", async () => {
    let attempt = 0;
    const runner: DestinationRunner = async (ctx) => {
      attempt++;
      // Each attempt compares with the last point and tells every change it finds.
      ctx.change({ action: 'added', path: 'music/a.flac', size: 3 });
      ctx.change({ action: 'deleted', path: 'music/old.flac', size: null });
      if (attempt === 1) ctx.change({ action: 'added', path: 'music/gone-since.flac', size: 5 });
      return attempt === 1 ? failed : succeeded;
    };
    const changes = new ChangeRecorder();
    const log: string[] = [];
    const guarded = guardRunner(runner, { clock: systemClock(), retry: { maxAttempts: 2, initialDelayMs: 1, factor: 1, maxDelayMs: 1, jitterRatio: 0 }, everSucceeded: () => true });
    const out = await guarded(context(changes, log));
    expect(out.outcome).toBe('success');
    expect(log).toContain('# attempt 2 of 2');
    const set = changes.finish();
    expect({ added: set.added, changed: set.changed, deleted: set.deleted, bytes: set.bytes }).toEqual({ added: 1, changed: 0, deleted: 1, bytes: 3 });
    expect(readChanges(set.blob, {}).entries.map((e) => `${e.action} ${e.path}`)).toEqual(['added music/a.flac', 'deleted music/old.flac']);
  });
});

describe('the wait before a retry', () => {
  const retry = { maxAttempts: 2, initialDelayMs: 1, factor: 1, maxDelayMs: 1, jitterRatio: 0 };
  const waitReasons = async (first: DestinationOutcome): Promise<string[]> => {
    let attempt = 0;
    const runner: DestinationRunner = async () => (++attempt === 1 ? first : succeeded);
    const reasons: Array<string | null> = [];
    const out = await guardRunner(runner, { clock: systemClock(), retry, everSucceeded: () => true })(context(new ChangeRecorder(), [], reasons));
    expect(out.outcome).toBe('success');
    return reasons.filter((r): r is string => r !== null);
  };

  it("blames the destination when it does not answer, and the source when the source does not (a mirror of a remote folder whose server died mid-run)", async () => {
    expect(await waitReasons(failed)).toEqual(["can't reach dav"]);
    const sourceDown: DestinationOutcome = { ...failed, firstError: 'Source unreachable: web:Music could not be read (the server at 127.0.0.1:8080 does not answer).', failure: { tool: 'rclone', exitCode: null, kind: 'source-unreachable' } };
    expect(await waitReasons(sourceDown)).toEqual(["can't reach the source"]);
  });
});

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/core/scheduler/clock.js';
import { type AttemptOutcome, DEFAULT_RETRY_POLICY, type FailureInfo, isTransient, retryDecision, runWithRetry } from '../../../electron/core/scheduler/retry-policy.js';

describe('isTransient', () => {
  it.each<[FailureInfo, boolean]>([
    [{ kind: 'exit-code', tool: 'rclone', exitCode: 5 }, true],
    [{ kind: 'exit-code', tool: 'rclone', exitCode: 1, message: 'Failed to copy: dial tcp 127.0.0.1:9: connect: connection refused' }, true],
    [{ kind: 'exit-code', tool: 'rclone', exitCode: 1, message: 'couldn\'t list directory: 503 Service Unavailable' }, true],
    [{ kind: 'exit-code', tool: 'rclone', exitCode: 3, message: 'directory not found' }, false],
    [{ kind: 'exit-code', tool: 'rclone', exitCode: 7, message: 'fatal error' }, false],
    // The exit code decides over the words: a fatal error that mentions the network is still fatal.
    [{ kind: 'exit-code', tool: 'rclone', exitCode: 7, message: 'account suspended after connection reset' }, false],
    [{ kind: 'exit-code', message: 'account suspended after connection reset' }, true],
    [{ kind: 'exit-code', tool: 'rsync', exitCode: 10 }, true],
    [{ kind: 'exit-code', tool: 'rsync', exitCode: 30 }, true],
    [{ kind: 'exit-code', tool: 'rsync', exitCode: 23, message: 'some files could not be transferred' }, false],
    [{ kind: 'exit-code', tool: 'rsync', exitCode: 11, message: 'No space left on device' }, false],
    [{ kind: 'destination-missing', message: 'connection refused' }, false],
    [{ kind: 'cancelled' }, false],
    [{ kind: 'spawn-failed', message: 'ENOENT' }, false],
  ])('%j → %s', (failure, expected) => {
    expect(isTransient(failure)).toBe(expected);
  });
});

describe('retryDecision', () => {
  const net: FailureInfo = { kind: 'exit-code', tool: 'rclone', exitCode: 5 };
  const policy = { maxAttempts: 4, initialDelayMs: 1000, factor: 3, maxDelayMs: 5000, jitterRatio: 0.5 };

  it('backs off exponentially up to the cap, with jitter around the base', () => {
    const mid = () => 0.5;
    expect(retryDecision(policy, 1, net, mid)).toEqual({ retry: true, delayMs: 1000 });
    expect(retryDecision(policy, 2, net, mid)).toEqual({ retry: true, delayMs: 3000 });
    expect(retryDecision(policy, 3, net, mid)).toEqual({ retry: true, delayMs: 5000 });
    expect(retryDecision(policy, 1, net, () => 0)).toEqual({ retry: true, delayMs: 500 });
    expect(retryDecision(policy, 1, net, () => 1)).toEqual({ retry: true, delayMs: 1500 });
  });

  it('stops after the last attempt and never retries a permanent failure', () => {
    expect(retryDecision(policy, 4, net)).toEqual({ retry: false, reason: 'attempts-exhausted' });
    expect(retryDecision(policy, 1, { kind: 'source-missing' })).toEqual({ retry: false, reason: 'permanent' });
  });

  it('has a default policy of three attempts', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(3);
  });
});

describe('runWithRetry on a manual clock', () => {
  const policy = { maxAttempts: 3, initialDelayMs: 30_000, factor: 4, maxDelayMs: 600_000, jitterRatio: 0 };
  const net: FailureInfo = { kind: 'exit-code', tool: 'rclone', exitCode: 5 };

  it('retries a network failure after the backoff and returns the later success', async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    const waits: number[] = [];
    const attempts: AttemptOutcome<string>[] = [
      { ok: false, value: 'a1', failure: net },
      { ok: false, value: 'a2', failure: net },
      { ok: true, value: 'a3' },
    ];
    const done = runWithRetry(
      async (n) => {
        seen.push(clock.now());
        return attempts[n - 1]!;
      },
      {
        policy,
        clock,
        onRetry: ({ delayMs }) => {
          waits.push(delayMs);
          // Let the wait start, then move time to its end.
          queueMicrotask(() => clock.advanceBy(delayMs));
        },
      },
    );
    expect(await done).toEqual({ value: 'a3', ok: true, attempts: 3, failure: null });
    expect(waits).toEqual([30_000, 120_000]);
    expect(seen).toEqual([0, 30_000, 150_000]);
  });

  it('gives up on a permanent failure at once, and when cancelled during the wait', async () => {
    const clock = new ManualClock(0);
    const permanent = await runWithRetry(async () => ({ ok: false, value: 1, failure: { kind: 'source-missing' } }) as const, { policy, clock });
    expect(permanent).toMatchObject({ ok: false, attempts: 1 });

    const ctl = new AbortController();
    let calls = 0;
    const cancelled = await runWithRetry(
      async () => {
        calls++;
        return { ok: false, value: 2, failure: net } as const;
      },
      { policy, clock, signal: ctl.signal, onRetry: () => queueMicrotask(() => ctl.abort()) },
    );
    expect(cancelled).toMatchObject({ ok: false, attempts: 1 });
    expect(calls).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });
});

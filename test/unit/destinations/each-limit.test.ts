import { describe, expect, it } from 'vitest';
import { eachLimit } from '../../../electron/core/destinations/each-limit.js';

/** A step the test ends by hand, so the order of events is chosen, not timed. */
function gate(): { promise: Promise<void>; open(): void; fail(e: Error): void } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}
/** Lets every settled promise's continuations run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe('eachLimit', () => {
  it('calls every item once with its index, never more than the limit at a time', async () => {
    const gates = Array.from({ length: 40 }, gate);
    const started: number[] = [];
    const seen: Array<[string, number]> = [];
    const items = Array.from({ length: 40 }, (_, i) => `item ${i}`);
    const all = eachLimit(items, 5, async (item, i) => {
      started.push(i);
      await gates[i]!.promise;
      seen.push([item, i]);
    });
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    // Ending one lets exactly one more begin; out of order too.
    gates[3]!.open();
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    for (let i = 39; i >= 0; i--) gates[i]!.open();
    await all;
    expect(seen.map(([, i]) => i).sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    for (const [item, i] of seen) expect(item).toBe(`item ${i}`);
  });

  it('throws the first error after the calls under way have settled, and starts no new one', async () => {
    const gates = Array.from({ length: 20 }, gate);
    const started: number[] = [];
    const ended: number[] = [];
    const all = eachLimit(Array.from({ length: 20 }, (_, i) => i), 3, async (n) => {
      started.push(n);
      try {
        await gates[n]!.promise;
      } finally {
        ended.push(n);
      }
    });
    let failed: unknown = null;
    void all.catch((e: unknown) => (failed = e));
    await settle();
    gates[1]!.fail(new Error('one failed'));
    await settle();
    // 0 and 2 are still under way: nothing has been thrown yet, and nothing new began.
    expect(failed).toBeNull();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    await expect(all).rejects.toThrow('one failed');
    expect(started).toEqual([0, 1, 2]);
    expect(ended.sort((a, b) => a - b)).toEqual([0, 1, 2]);
  });

  it('does nothing for no items', async () => {
    let calls = 0;
    await eachLimit([], 4, async () => {
      calls++;
    });
    expect(calls).toBe(0);
  });
});

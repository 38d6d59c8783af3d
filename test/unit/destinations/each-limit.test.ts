import { describe, expect, it } from 'vitest';
import { eachLimit } from '../../../electron/core/destinations/each-limit.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('eachLimit', () => {
  it('calls every item once with its index, never more than the limit at a time', async () => {
    const seen: Array<[string, number]> = [];
    let running = 0;
    let most = 0;
    const items = Array.from({ length: 40 }, (_, i) => `item ${i}`);
    await eachLimit(items, 5, async (item, i) => {
      running++;
      most = Math.max(most, running);
      await tick(i % 3);
      seen.push([item, i]);
      running--;
    });
    expect(most).toBe(5);
    expect(seen.map(([, i]) => i).sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    for (const [item, i] of seen) expect(item).toBe(`item ${i}`);
  });

  it('throws the first error after the calls under way have settled, and starts no new one', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const p = eachLimit(Array.from({ length: 20 }, (_, i) => i), 3, async (n) => {
      started.push(n);
      await tick(n === 1 ? 1 : 10);
      ended.push(n);
      if (n === 1) throw new Error('one failed');
    });
    await expect(p).rejects.toThrow('one failed');
    // 0 and 2 were under way when 1 failed: they finished; nothing after them began.
    expect(started.sort((a, b) => a - b)).toEqual([0, 1, 2]);
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

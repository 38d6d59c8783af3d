import { describe, expect, it } from 'vitest';
import { frameBatch } from '../../../renderer/src/frame-batch.js';

describe('frame batch (progress coalescing)', () => {
  it('applies the newest value per key once per frame, and drops forgotten keys', () => {
    const frames: (() => void)[] = [];
    const applied: Record<string, number>[] = [];
    const batch = frameBatch<number>((b) => applied.push(b), (run) => frames.push(run));
    for (let i = 1; i <= 100; i++) batch.add('music', i);
    batch.add('photos', 7);
    batch.add('gone', 1);
    batch.drop('gone');
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(applied).toEqual([{ music: 100, photos: 7 }]);
    batch.add('music', 101);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(applied.at(-1)).toEqual({ music: 101 });
  });
});

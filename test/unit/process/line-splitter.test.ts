import { describe, expect, it } from 'vitest';
import { lineSplitter } from '../../../electron/core/process/line-splitter.js';

describe('line splitter', () => {
  it('splits \\n, \\r\\n and carriage-return redraws across chunk borders', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push('one\ntw');
    s.push('o\r\nthree 10%\rthree 5');
    s.push('0%\rthree 100%\n');
    s.push('tail');
    s.flush();
    expect(lines).toEqual(['one', 'two', 'three 10%', 'three 50%', 'three 100%', 'tail']);
  });
});

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

describe('line splitter against a reference split', () => {
  it('gives the same lines however the stream is cut into chunks', () => {
    // A deterministic pseudo-random text of words, \n, \r\n, bare \r and runs of them.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['a', 'Björk', '{"msg":"Copied (new)"}', '\n', '\r\n', '\r', '\n\n', '   '];
    const text = Array.from({ length: 4000 }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    const expected = text.split(/[\r\n]/).filter((l) => l.length > 0);
    for (const maxChunk of [1, 3, 17, 4096, text.length]) {
      const lines: string[] = [];
      const s = lineSplitter((l) => lines.push(l));
      for (let i = 0; i < text.length; ) {
        const n = 1 + Math.floor(rnd() * maxChunk);
        s.push(text.slice(i, i + n));
        i += n;
      }
      s.flush();
      expect(lines).toEqual(expected);
    }
  });
});

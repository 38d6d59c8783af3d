// `reprise` as one end of a pipe: a reader slower than the output gets all of it (the command does
// not exit with lines still unwritten), and a reader that goes away early (`| head`) ends nothing
// in a crash.
import { execa } from 'execa';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise, repriseBin } from '../support/cli.js';
import { cleanupTempDirs, tempDir } from '../support/tmp.js';

let data: string;
const FILES = 6000;

beforeAll(async () => {
  const base = tempDir();
  const src = join(base, 'music');
  for (let a = 0; a < FILES / 100; a++) {
    mkdirSync(join(src, `Artist ${a}`), { recursive: true });
    for (let t = 0; t < 100; t++) writeFileSync(join(src, `Artist ${a}`, `${t} A Track With A Name Long Enough To Fill The Pipe Sooner (Remastered).flac`), `${a}/${t}`);
  }
  data = join(base, 'data');
  expect((await reprise(data, ['job', 'add', 'Big', '--source', src, '--snapshot', join(base, 'snaps')])).exitCode).toBe(0);
  expect((await reprise(data, ['run', 'Big'])).exitCode).toBe(0);
}, 120_000);
afterAll(() => cleanupTempDirs());

describe('reprise in a pipe', () => {
  it('writes all of a long output into a socket pair, as node and execa give a child (writes there can be asynchronous)', async () => {
    // A line a write, 1,000 paths (the most a listing names): ~100 KB, more than the socket takes at once.
    // Three times: the loss was a matter of timing (measured: lines lost in 6 runs of 30).
    for (let i = 0; i < 3; i++) {
      const r = await reprise(data, ['changes', 'Big', '--limit', String(FILES)]);
      expect(r.exitCode, r.stderr).toBe(0);
      const lines = r.stdout.split('\n').filter(Boolean);
      expect(lines.filter((l) => l.startsWith('  + '))).toHaveLength(1000);
      expect(lines.at(-1)).toMatch(/… and 5000 more/);
    }
  }, 60_000);

  it('ends quietly, with 0, when the reader goes away after a few lines (| head)', async () => {
    const r = await execa('bash', ['-c', `"${process.execPath}" "${repriseBin}" --data-dir "${data}" changes Big --limit ${FILES} | head -3; exit \${PIPESTATUS[0]}`], { reject: false });
    expect(r.stdout.split('\n')).toHaveLength(3);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(r.exitCode).toBe(0);
  }, 60_000);
});

// A core turns V8's allocation-site pretenuring off for its process and bounds how far its old
// generation grows past what survived (see heap-tuning.ts for the measurements). What that does to
// the heap is the benchmark's to show (a small program's heap does not tell the two apart); this
// checks that both are asked, once.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const flags: string[] = [];
vi.mock('node:v8', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:v8')>();
  return { ...real, default: real, setFlagsFromString: (f: string) => flags.push(f) };
});

afterAll(cleanupTempDirs);

describe('heap tuning', () => {
  it('is set once, by the first core of the process', async () => {
    const { createCore } = await import('../../../electron/core/core.js');
    const a = createCore({ dataDir: join(tempDir(), 'a'), host: 'cli' });
    const b = createCore({ dataDir: join(tempDir(), 'b'), host: 'cli' });
    await a.close();
    await b.close();
    expect(flags).toEqual(['--no-allocation-site-pretenuring', '--heap-growing-percent=20']);
  });

  it('asks only for flags this V8 knows (an unknown one would be ignored without a word)', () => {
    const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    for (const f of flags) expect(known).toContain(`  --${f.replace(/^--(no-)?/, '').replace(/=.*$/, '')} (`);
  });
});

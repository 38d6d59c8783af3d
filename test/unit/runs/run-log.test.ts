import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRunLog } from '../../../electron/core/runs/run-log.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('a run log', () => {
  it('stays bounded: past its size only Reprise lines and errors are kept, and it says how many lines it left out', async () => {
    const path = join(tempDir(), 'run.log');
    const log = openRunLog(path, 1024, 250, 10_000, 20_000);
    const info = (i: number) => `{"level":"info","msg":"Copied (new)","object":"Artist/Album/${i}.flac"}`;
    for (let i = 0; i < 5_000; i++) log.line(info(i));
    log.line('{"level":"error","msg":"Failed to copy: boom","object":"Artist/Album/bad.flac"}');
    log.line('# destination /backup: success');
    await log.close();
    const text = readFileSync(path, 'utf8');
    expect(text.length).toBeLessThan(12_000);
    expect(text).toContain(info(0));
    expect(text).not.toContain(info(4_999));
    expect(text).toContain('Failed to copy: boom');
    expect(text).toContain('# destination /backup: success');
    expect(text).toMatch(/# the log passed .* only Reprise's lines and errors are kept/);
    expect(text).toMatch(/# \d+ log lines were left out/);
  });

  it('keeps every line of an ordinary run', async () => {
    const path = join(tempDir(), 'run.log');
    const log = openRunLog(path);
    for (let i = 0; i < 100; i++) log.line(`line ${i}`);
    await log.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(100);
  });
});

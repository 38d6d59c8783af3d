// Scratch folders a killed Reprise left behind are removed by the next start; live ones stay.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepScratch } from '../../../electron/core/process/scratch.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('scratch folders', () => {
  it('removes those of processes that are gone, keeps live ones and anything else', () => {
    const dir = tempDir();
    for (const name of ['reprise-111-mirror-abc', 'reprise-222-record-def', `reprise-${process.pid}-copy-x`, 'reprise-test-xyz', 'other']) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'f'), 'x');
    }
    expect(sweepScratch(dir, (pid) => pid === 222)).toBe(1);
    expect(existsSync(join(dir, 'reprise-111-mirror-abc'))).toBe(false);
    for (const kept of ['reprise-222-record-def', `reprise-${process.pid}-copy-x`, 'reprise-test-xyz', 'other']) expect(existsSync(join(dir, kept))).toBe(true);
  });
});

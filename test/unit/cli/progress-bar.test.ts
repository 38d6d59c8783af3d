import { describe, expect, it } from 'vitest';
import { renderProgressLine } from '../../../electron/cli/progress-bar.js';

describe('terminal progress line', () => {
  it('shows percent, bytes, speed, ETA and the current file, cut to the width', () => {
    const p = { runId: 1, jobId: 'j', destId: 'd', target: '/b', step: 1, steps: 1, bytes: 1_200_000_000, totalBytes: 3_400_000_000, files: 3, totalFiles: 9, speed: 12_000_000, eta: 180, percent: 43, current: [{ name: 'Björk/Homogenic/01 Hunter.flac', percent: 50, size: 1 }], errors: 0, elapsed: 9 };
    const line = renderProgressLine(p, 200);
    expect(line).toContain(' 43%');
    expect(line).toContain('1.2 GB / 3.4 GB');
    expect(line).toContain('12.0 MB/s');
    expect(line).toContain('ETA 3 min');
    expect(line).toContain('Björk/Homogenic/01 Hunter.flac');
    expect([...renderProgressLine(p, 40)].length).toBe(40);
  });
});

import { describe, expect, it } from 'vitest';
import { describeRcloneExit, rcloneVerdict, rsyncVerdict } from '../../../electron/core/process/exit-policy.js';

describe('exit-code policy', () => {
  it.each([
    [{ exitCode: 0, cancelled: false, statsErrors: 0 }, 'success'],
    [{ exitCode: 0, cancelled: false, statsErrors: 2 }, 'partial'],
    [{ exitCode: 1, cancelled: false }, 'failed'],
    [{ exitCode: 3, cancelled: false }, 'failed'],
    [{ exitCode: 9, cancelled: false }, 'failed'],
    [{ exitCode: null, cancelled: true }, 'cancelled'],
    [{ exitCode: 0, cancelled: true }, 'cancelled'],
  ] as const)('rclone %j → %s', (facts, verdict) => {
    expect(rcloneVerdict(facts)).toBe(verdict);
  });

  it.each([
    [0, 'success'],
    [23, 'partial'],
    [24, 'partial'],
    [11, 'failed'],
    [20, 'failed'],
    [null, 'failed'],
  ] as const)('rsync exit %s → %s', (exitCode, verdict) => {
    expect(rsyncVerdict({ exitCode, cancelled: false })).toBe(verdict);
  });

  it('describes rclone exit codes in plain words', () => {
    expect(describeRcloneExit(3)).toBe('a directory was not found');
    expect(describeRcloneExit(null)).toMatch(/signal/);
    expect(describeRcloneExit(42)).toBe('rclone exited with code 42');
  });
});

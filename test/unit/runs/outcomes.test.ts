import { describe, expect, it } from 'vitest';
import { sourcesOutcome } from '../../../electron/core/destinations/copy/copy-kind.js';
import { combineOutcomes } from '../../../electron/core/runs/run-manager.js';

describe('outcomes', () => {
  it.each([
    [['success', 'success'], 'success'],
    [['success', 'failed'], 'partial'],
    [['partial', 'success'], 'partial'],
    [['failed', 'failed'], 'failed'],
  ] as const)('sources %j → destination %s', (v, out) => expect(sourcesOutcome(v)).toBe(out));

  it.each([
    [['success', 'success'], 'success'],
    [['success', 'failed'], 'partial'],
    [['failed', 'skipped'], 'failed'],
    [['skipped', 'skipped'], 'skipped'],
    [['success', 'skipped'], 'partial'],
    [['success', 'cancelled'], 'cancelled'],
    [[], 'failed'],
  ] as const)('destinations %j → run %s', (v, out) => expect(combineOutcomes(v)).toBe(out));
});

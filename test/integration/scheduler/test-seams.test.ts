// The test-only clock command is no part of the production contract: a core opened without the
// REPRISE_TEST_CLOCK seam does not know it, and one opened with it answers it only through
// dispatch's seams (what `reprise serve` passes its WebSocket transport).
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandNames } from '../../../shared/contract.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { openCore } from '../../../electron/core/api/host.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('scheduler:test-clock', () => {
  it('is not a production command', async () => {
    expect(commandNames).not.toContain('scheduler:test-clock');
    const door = openCore({ dataDir: join(tempDir(), 'data'), host: 'serve' }, {});
    try {
      expect(door.seams).toBeNull();
      const r = await dispatch(door.handlers, 'scheduler:test-clock', { advanceToMs: Date.now() + 1000 }, { seams: door.seams });
      expect(r).toMatchObject({ ok: false, error: { kind: 'invalid-request', message: 'Reprise does not know that request.' } });
    } finally {
      await door.close();
    }
  });

  it('moves the clock of a core opened with the REPRISE_TEST_CLOCK seam', async () => {
    const start = Date.parse('2026-06-01T10:00:00Z');
    const door = openCore({ dataDir: join(tempDir(), 'data'), host: 'serve' }, { REPRISE_TEST_CLOCK: String(start) });
    try {
      expect(door.seams).not.toBeNull();
      const status = async () => ((await dispatch(door.handlers, 'scheduler:status', {})) as { value: { now: number } }).value.now;
      expect(await status()).toBe(start);
      expect(await dispatch(door.handlers, 'scheduler:test-clock', { advanceToMs: start + 60_000 }, { seams: door.seams })).toEqual({ ok: true, value: { now: start + 60_000 } });
      expect(await status()).toBe(start + 60_000);
      // Checked by its own schema, and only forward.
      expect(await dispatch(door.handlers, 'scheduler:test-clock', { advanceToMs: 'soon' }, { seams: door.seams })).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
      expect(await dispatch(door.handlers, 'scheduler:test-clock', { advanceToMs: start }, { seams: door.seams })).toMatchObject({ ok: false, error: { message: 'The test clock only moves forward.' } });
      // Without the seams (another transport), even this core does not know it.
      expect(await dispatch(door.handlers, 'scheduler:test-clock', { advanceToMs: start + 120_000 })).toMatchObject({ ok: false, error: { message: 'Reprise does not know that request.' } });
    } finally {
      await door.close();
    }
  });
});

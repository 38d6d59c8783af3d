import { describe, expect, it } from 'vitest';
import type { Handlers } from '../../../shared/contract.js';
import { commandNames, requestSchemas } from '../../../shared/contract.js';
import { ok, raise } from '../../../shared/result.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';

const seen: unknown[] = [];
const handlers = Object.fromEntries(
  commandNames.map((n) => [
    n,
    async (req: unknown) => {
      seen.push(req);
      return ok({ echoed: req });
    },
  ]),
) as unknown as Handlers;

describe('dispatch validates every request once, for every transport', () => {
  it('rejects unknown commands and prototype names', async () => {
    expect(await dispatch(handlers, 'jobs:explode', {})).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await dispatch(handlers, '__proto__', {})).toMatchObject({ ok: false, error: { kind: 'invalid-request' } });
    expect(await dispatch(handlers, 42, {})).toMatchObject({ ok: false });
  });

  it('rejects bad payloads with the field named, without calling the handler', async () => {
    seen.length = 0;
    const r = await dispatch(handlers, 'jobs:add', { name: '', sources: [], destinations: [{ kind: 'copy', target: 'x' }] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/Name: a name is required/);
    expect(!r.ok && r.error.message).toMatch(/Source folders: a job needs at least one source folder/);
    // Internal names never reach the user: no command name, no JSON path.
    expect(!r.ok && r.error.message).not.toMatch(/jobs:add|Invalid request|sources:/);
    expect(await dispatch(handlers, 'runs:wait', { runId: -1 })).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 'ops:cancel', { id: '../x' })).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 'jobs:list', { extra: 1 })).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 'jobs:add', { name: 'x\u0007', sources: ['/a'], destinations: [{ kind: 'copy', target: '/b' }] })).toMatchObject({ ok: false });
    expect(await dispatch(handlers, 'jobs:add', { name: 'x', sources: ['/a'], destinations: [{ kind: 'copy', target: '/b' }], bwlimit: '10 bananas' })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/bandwidth limit/) },
    });
    expect(seen).toEqual([]);
  });

  it('names fields by their label in the window and by their flag on the command line', async () => {
    const req = { name: 'M', sources: ['/m'], destinations: [{ kind: 'copy', target: '/b' }], retention: { keepLast: -1 } };
    const window = await dispatch(handlers, 'jobs:add', req);
    expect(window).toMatchObject({ ok: false, error: { kind: 'invalid-request', message: 'Keep the newest: must be at least 0.' } });
    const cli = await dispatch(handlers, 'jobs:add', req, { audience: 'cli' });
    expect(cli).toMatchObject({ ok: false, error: { message: '--keep-last: must be at least 0.' } });
    const policy = await dispatch(handlers, 'restore:run', { name: 'M', path: 'music', to: '/r', policy: 'merge' }, { audience: 'cli' });
    expect(policy).toMatchObject({ ok: false, error: { message: '--conflict: must be one of “skip”, “overwrite” or “keep-both”.' } });
    const dest = await dispatch(handlers, 'jobs:add', { name: 'M', sources: ['/m'], destinations: [{ kind: 'copy', target: '/b' }, { kind: 'archive', target: '/c' }] });
    expect(dest).toMatchObject({ ok: false, error: { message: 'Keep destination 2 as: must be one of “copy”, “snapshot” or “mirror”.' } });
  });

  it('passes parsed data (with defaults) to the handler', async () => {
    const r = await dispatch(handlers, 'jobs:add', { name: ' Music ', sources: ['/m'], destinations: [{ kind: 'copy', target: 'b2:bucket' }], bwlimit: '08:00,512k 23:00,off' });
    expect(r).toEqual({
      ok: true,
      value: { echoed: { name: 'Music', sources: ['/m'], destinations: [{ kind: 'copy', target: 'b2:bucket' }], excludes: [], schedule: null, bwlimit: '08:00,512k 23:00,off', staleAfterDays: 3, transfers: null, checkers: null, verify: false } },
    });
  });

  it('turns thrown errors into Results instead of crossing the boundary', async () => {
    const throwing = {
      ...handlers,
      'jobs:list': async () => raise('not-found', 'nope', { hint: 'try again' }),
      'app:info': async () => {
        throw new Error('disk on fire');
      },
    } as Handlers;
    expect(await dispatch(throwing, 'jobs:list', {})).toEqual({ ok: false, error: { kind: 'not-found', message: 'nope', hint: 'try again' } });
    const thrown = await dispatch(throwing, 'app:info', {});
    expect(thrown).toMatchObject({ ok: false, error: { kind: 'internal', message: expect.stringMatching(/disk on fire/) } });
    expect(!thrown.ok && thrown.error.message).not.toContain('app:info');
  });

  it('has a schema for every command name', () => {
    expect(Object.keys(requestSchemas).sort()).toEqual([...commandNames].sort());
  });
});

// A run's totals say what the library is, once: two destinations receiving the same 26 files make
// "26 files", not 52; and every progress sample's percent agrees with its bytes.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { RunProgress } from '../../../shared/model.js';
import { type Core, createCore } from '../../../electron/core/core.js';
import { dispatch } from '../../../electron/core/api/dispatch.js';
import { runTotals } from '../../../electron/core/runs/run-manager.js';
import { makeLibrary } from '../../support/library.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);
let core: Core | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

function bytesUnder(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((n, e) => (e.isFile() ? n + statSync(join(e.parentPath, e.name)).size : n), 0);
}

describe('run totals', () => {
  it('are the most any destination received, not their sum', () => {
    expect(runTotals([{ bytes: 62, files: 26 }, { bytes: 62, files: 26 }])).toEqual({ bytes: 62, files: 26 });
    expect(runTotals([{ bytes: 62, files: 26 }, { bytes: 3, files: 1 }])).toEqual({ bytes: 62, files: 26 });
    expect(runTotals([])).toEqual({ bytes: 0, files: 0 });
  });

  it('count a 26-file library once for two destinations, and percent follows the bytes', async () => {
    const root = tempDir();
    const music = join(root, 'Music');
    // 2 artists × 3 albums × 3 tracks + a cover per album = 24… plus two loose files: 26.
    makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], albumsPerArtist: 3, tracksPerAlbum: 3, trackBytes: 150_000 });
    makeLibrary(join(music, 'Singles'), { artists: ['One'], albumsPerArtist: 1, tracksPerAlbum: 1, trackBytes: 150_000 });
    const files = readdirSync(music, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    expect(files).toBe(26);
    const bytes = bytesUnder(music);

    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    const progress: RunProgress[] = [];
    core.events.on('runs:progress', (p) => progress.push(p));
    const add = await dispatch(core.handlers, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'copy', target: join(root, 'usb') }, { kind: 'copy', target: join(root, 'nas') }], bwlimit: '1M' });
    expect(add.ok).toBe(true);
    const started = await dispatch(core.handlers, 'runs:start', { name: 'Music' });
    const run = (await core.runs.wait((started as { ok: true; value: { runId: number } }).value.runId))!;

    expect(run.outcome).toBe('success');
    expect(run.destinations.map((d) => [d.files, d.bytes])).toEqual([
      [26, bytes],
      [26, bytes],
    ]);
    expect({ files: run.files, bytes: run.bytes }).toEqual({ files: 26, bytes });

    // Several samples per destination, each with a percent that says what its bytes say: the
    // destinations before it done, plus this one's share.
    expect(progress.filter((p) => p.totalBytes > 0 && p.bytes < p.totalBytes).length).toBeGreaterThanOrEqual(2);
    for (const p of progress.filter((x) => x.totalBytes > 0)) {
      const expected = ((p.destIndex - 1 + p.bytes / p.totalBytes) / p.destCount) * 100;
      expect(Math.abs(p.percent - expected)).toBeLessThanOrEqual(0.1);
    }
  }, 90_000);

  it('of a snapshot are what rsync says it copied, and its progress reaches the whole', async () => {
    // rsync's progress and its closing stats come through a file Reprise follows, not a pipe: the
    // run's files and bytes are read from those stats, so a tail that lost them would say 0.
    const root = tempDir();
    const music = join(root, 'Music');
    makeLibrary(music, { artists: ['Björk', 'Sigur Rós'], albumsPerArtist: 3, tracksPerAlbum: 3, trackBytes: 150_000 });
    const files = readdirSync(music, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    const bytes = bytesUnder(music);

    core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
    const progress: RunProgress[] = [];
    core.events.on('runs:progress', (p) => progress.push(p));
    const add = await dispatch(core.handlers, 'jobs:add', { name: 'Music', sources: [music], destinations: [{ kind: 'snapshot', target: join(root, 'snapshots') }] });
    expect(add.ok).toBe(true);
    const started = await dispatch(core.handlers, 'runs:start', { name: 'Music' });
    const run = (await core.runs.wait((started as { ok: true; value: { runId: number } }).value.runId))!;

    expect(run.outcome).toBe('success');
    expect(run.destinations.map((d) => [d.files, d.bytes])).toEqual([[files, bytes]]);
    expect(progress.some((p) => p.totalBytes === bytes && p.bytes === bytes)).toBe(true);
  }, 90_000);
});

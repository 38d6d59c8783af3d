import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChangeRecorder, readChanges } from '../../../electron/core/history/change-log.js';
import { rotateRunLogs } from '../../../electron/core/history/log-rotation.js';

describe('ChangeRecorder', () => {
  it('round-trips odd names and filters by action and text', () => {
    const rec = new ChangeRecorder();
    rec.add({ action: 'added', path: 'Björk/Homogenic (1997)/01 Hunter.flac', size: 31_000_000 });
    rec.add({ action: 'changed', path: 'Motörhead/tab\there/new\nline\\x.flac', size: 5 });
    rec.add({ action: 'deleted', path: '-rf/Sigur Rós/()/🎵.mp3', size: null });
    const set = rec.finish();
    expect(set).toMatchObject({ added: 1, changed: 1, deleted: 1, bytes: 31_000_005 });
    expect(readChanges(set.blob).entries).toEqual([
      { action: 'added', path: 'Björk/Homogenic (1997)/01 Hunter.flac', size: 31_000_000 },
      { action: 'changed', path: 'Motörhead/tab\there/new\nline\\x.flac', size: 5 },
      { action: 'deleted', path: '-rf/Sigur Rós/()/🎵.mp3', size: null },
    ]);
    expect(readChanges(set.blob, { action: 'deleted' }).total).toBe(1);
    expect(readChanges(set.blob, { filter: 'björk' }).entries.map((e) => e.action)).toEqual(['added']);
    expect(readChanges(new ChangeRecorder().finish().blob)).toEqual({ entries: [], total: 0 });
  });

  it('keeps a 200k-file run small and pages through it', () => {
    const rec = new ChangeRecorder();
    const n = 200_000;
    for (let i = 0; i < n; i++) rec.add({ action: i % 10 === 0 ? 'changed' : 'added', path: `Artist ${Math.floor(i / 120)}/Album ${Math.floor(i / 12)} (1999)/${String(i % 12).padStart(2, '0')} Track ${i}.flac`, size: 30_000_000 + i });
    const set = rec.finish();
    expect(set.added + set.changed).toBe(n);
    // Measured ~8 bytes per entry; 16 leaves room while still fitting 1M files in ~16 MB.
    expect(set.blob.length / n).toBeLessThan(16);
    const page = readChanges(set.blob, { offset: 150_000, limit: 3 });
    expect(page.total).toBe(n);
    expect(page.entries.map((e) => e.path)).toEqual([150_000, 150_001, 150_002].map((i) => `Artist ${Math.floor(i / 120)}/Album ${Math.floor(i / 12)} (1999)/${String(i % 12).padStart(2, '0')} Track ${i}.flac`));
  });
});

describe('what changed, and what could not be backed up', () => {
  it('leaves out the added and changed files the run could not back up, in every batch, odd names too, and counts what is left', () => {
    const rec = new ChangeRecorder();
    const n = 60_000; // several batches of ~1 MB
    const path = (i: number) => `Artist ${Math.floor(i / 120)}/Album ${Math.floor(i / 12)}/${String(i % 12).padStart(2, '0')} Track ${i}.flac`;
    for (let i = 0; i < n; i++) rec.add({ action: i % 3 === 0 ? 'changed' : 'added', path: path(i), size: 10 });
    rec.add({ action: 'added', path: 'Motörhead/tab\there/new\nline.flac', size: 7 });
    rec.add({ action: 'deleted', path: path(5), size: null });
    // Failed: one added and one changed in the first batch, one in the last, the odd name; a deleted
    // file of the same name as a failed one stays (it is gone, whatever failed).
    const failed = new Set([path(1), path(3), path(n - 2), 'Motörhead/tab\there/new\nline.flac', path(5), 'not/in/the/run.flac']);
    const set = rec.finish(failed);
    expect(set).toMatchObject({ added: Math.floor((2 * n) / 3) - 3, changed: n / 3 - 1, deleted: 1, bytes: (n - 4) * 10 });
    const all = readChanges(set.blob, { limit: n + 10 });
    expect(all.total).toBe(n - 4 + 1);
    const listed = new Set(all.entries.filter((e) => e.action !== 'deleted').map((e) => e.path));
    for (const p of failed) expect(listed.has(p), p).toBe(false);
    expect(listed.has(path(2))).toBe(true);
    expect(all.entries.filter((e) => e.action === 'deleted')).toEqual([{ action: 'deleted', path: path(5), size: null }]);
    // A folder that could not be read: what the run thought of its files is not what changed.
    const folder = new ChangeRecorder();
    folder.add({ action: 'deleted', path: 'music/Locked/0.flac', size: null });
    folder.add({ action: 'added', path: 'music/Locked/CD1/new.flac', size: 4 });
    folder.add({ action: 'deleted', path: 'music/Locked Out/0.flac', size: null });
    folder.add({ action: 'changed', path: 'music/Open/1.flac', size: 2 });
    const afterFolder = folder.finish(new Set(['music/Locked']));
    expect(afterFolder).toMatchObject({ added: 0, changed: 1, deleted: 1, bytes: 2 });
    expect(readChanges(afterFolder.blob).entries.map((e) => e.path)).toEqual(['music/Locked Out/0.flac', 'music/Open/1.flac']);
    // Nothing failed: nothing read again.
    const plain = new ChangeRecorder();
    plain.add({ action: 'added', path: 'a.flac', size: 1 });
    expect(plain.finish(new Set())).toMatchObject({ added: 1, bytes: 1 });
  });
});

describe('rotateRunLogs', () => {
  it('keeps the newest logs within count and size, and the logs of live runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprise-logs-'));
    try {
      for (let id = 1; id <= 8; id++) writeFileSync(join(dir, `run-${id}.log`), 'x'.repeat(100));
      writeFileSync(join(dir, 'notes.txt'), 'not a run log');
      const removed = rotateRunLogs(dir, { keepFiles: 3, maxBytes: 10_000 }, new Set([2]));
      expect(removed.sort()).toEqual([1, 3, 4, 5]);
      expect(readdirSync(dir).sort()).toEqual(['notes.txt', 'run-2.log', 'run-6.log', 'run-7.log', 'run-8.log']);
      expect(rotateRunLogs(dir, { keepFiles: 100, maxBytes: 250 }).sort()).toEqual([2, 6]);
      expect(rotateRunLogs(join(dir, 'absent'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRcloneLine } from '../../../electron/core/rclone/rclone-json.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/rclone-1.60.1/${name}`, import.meta.url), 'utf8').trim().split('\n');

describe('rclone JSON log parser (captured rclone 1.60.1 output)', () => {
  it('reads every stats object of a real copy, ending at all bytes and transfers', () => {
    const parsed = fixture('copy-json-stats.ndjson').map(parseRcloneLine);
    const stats = parsed.flatMap((p) => (p.type === 'stats' ? [p.stats] : []));
    expect(stats).toHaveLength(4);
    expect(stats.map((s) => s.bytes)).toEqual([1077248, 2118496, 3167072, 3500003]);
    const last = stats.at(-1)!;
    expect(last).toMatchObject({ totalBytes: 3500003, transfers: 3, totalTransfers: 3, errors: 0, fatalError: false, eta: 0 });
    expect(last.transferring).toEqual([]);
    expect(stats[0]!.eta).toBeNull();
    expect(stats[0]!.transferring[0]).toEqual({ name: 'ArtistB/Album2/01.flac', percentage: 71, size: 1500000, bytes: 1077248 });
  });

  it('turns per-file lines into file actions', () => {
    const files = fixture('copy-json-stats.ndjson')
      .map(parseRcloneLine)
      .flatMap((p) => (p.type === 'file' ? [p] : []));
    expect(files.map((f) => [f.action, f.object])).toEqual([
      ['copied-new', 'ArtistB/Album2/01.flac'],
      ['copied-new', 'ArtistA/Album1/01.flac'],
      ['copied-new', 'ArtistA/Album1/cover.txt'],
    ]);
  });

  it('reads dry-run lines as an exact preview with sizes', () => {
    const files = fixture('dry-run-json.ndjson')
      .map(parseRcloneLine)
      .flatMap((p) => (p.type === 'file' ? [p] : []));
    expect(files).toEqual([
      { type: 'file', action: 'skipped-copy', object: 'ArtistB/Album2/01.flac', size: 1500000, dryRun: true },
      { type: 'file', action: 'skipped-copy', object: 'ArtistA/Album1/cover.txt', size: 3, dryRun: true },
      { type: 'file', action: 'skipped-delete', object: 'extra.txt', size: 6, dryRun: true },
    ]);
  });

  it('tolerates plain text (the final fatal summary), broken JSON and unknown fields', () => {
    expect(parseRcloneLine('2026/11/22 10:29:55 Failed to copy: directory not found')).toEqual({
      type: 'text',
      text: '2026/11/22 10:29:55 Failed to copy: directory not found',
    });
    expect(parseRcloneLine('{"level":"info",').type).toBe('text');
    const future = parseRcloneLine('{"level":"notice","msg":"x","stats":{"bytes":5,"listed":9,"serverSideCopies":1,"errors":2,"lastError":"boom"}}');
    expect(future.type === 'stats' && future.stats).toMatchObject({ bytes: 5, errors: 2, lastError: 'boom', totalBytes: 0 });
  });

  it('reports error-level lines with their object', () => {
    expect(parseRcloneLine('{"level":"error","msg":"Failed to copy: permission denied","object":"A/B/01.flac"}')).toEqual({
      type: 'error',
      object: 'A/B/01.flac',
      message: 'Failed to copy: permission denied',
    });
  });
});

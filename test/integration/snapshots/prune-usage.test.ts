import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSnapshotRestorePoints } from '../../../electron/core/restore/restore-points.js';
import { measureDestination } from '../../../electron/core/snapshots/disk-usage.js';
import { type PruneProgress, pruneSnapshots } from '../../../electron/core/snapshots/prune.js';
import { runSnapshot } from '../../../electron/core/snapshots/snapshot-engine.js';
import { SnapshotError } from '../../../electron/core/snapshots/snapshot-errors.js';
import { listSnapshots } from '../../../electron/core/snapshots/snapshot-list.js';
import { generateLibrary } from '../../support/music-library.js';

const work = mkdtempSync(join(tmpdir(), 'reprise-prune-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('real vs apparent size, and pruning with progress', () => {
  const music = join(work, 'music');
  const dest = join(work, 'dest');
  let t = Date.UTC(2026, 0, 1);
  const base = { destination: dest, sources: [music], job: { id: 'j', name: 'Music' }, repriseVersion: 't', clock: () => new Date((t += 86_400_000)) };

  it('a second snapshot of an unchanged library costs no file data', async () => {
    mkdirSync(dest);
    generateLibrary(music, undefined, 64 * 1024);
    await runSnapshot(base);
    // Force a new tree although nothing changed, as raw rsync --link-dest would.
    await runSnapshot({ ...base, detectUnchanged: false });
    writeFileSync(join(music, 'new.flac'), Buffer.alloc(256 * 1024, 3));
    await runSnapshot(base);
    const usage = await measureDestination(dest);
    expect(usage.snapshots.length).toBe(3);
    const [a, b, c] = usage.snapshots;
    expect(a!.apparentBytes).toBeGreaterThan(16 * 64 * 1024);
    expect(Math.abs(b!.apparentBytes - a!.apparentBytes)).toBeLessThan(2048); // same tree, manifests differ a little
    // The manifest is the only new inode in the unchanged snapshot: a few KB at most.
    expect(b!.newBytes).toBeLessThan(16 * 1024);
    expect(c!.newBytes).toBeGreaterThanOrEqual(256 * 1024);
    expect(usage.realBytes).toBeLessThan(usage.apparentBytes / 2);
  });

  it('prunes old snapshots with progress and refuses the newest complete one', async () => {
    const before = await listSnapshots(dest);
    const events: PruneProgress[] = [];
    const removed = await pruneSnapshots(dest, [before[0]!.id], { onProgress: (p) => events.push(p) });
    expect(removed).toEqual([before[0]!.id]);
    expect(events.at(-1)).toMatchObject({ snapshotId: before[0]!.id, entriesExpected: 20 });
    expect(events.at(-1)!.entriesRemoved).toBeGreaterThanOrEqual(20);
    expect(readdirSync(dest).filter((n) => n.startsWith('.reprise-deleting'))).toEqual([]);
    // Files of the pruned snapshot that later ones link to are still there.
    const still = await listSnapshots(dest);
    expect(existsSync(join(still[0]!.path, 'music', 'Pink Floyd', 'The Wall (1979)', '01 Track 1.flac'))).toBe(true);
    // The oldest point left now holds its data alone; its restore point says so, close to what du counts.
    const [oldest] = (await listSnapshotRestorePoints(dest)).reverse();
    expect(oldest!.newBytes).toBe(oldest!.bytes);
    const measured = (await measureDestination(dest)).snapshots[0]!.newBytes;
    expect(Math.abs(measured - oldest!.newBytes!)).toBeLessThan(oldest!.bytes * 0.1);
    const newest = still.at(-1)!.id;
    await expect(pruneSnapshots(dest, [newest])).rejects.toSatisfy((e: unknown) => e instanceof SnapshotError && e.kind === 'protected-snapshot');
    await expect(pruneSnapshots(dest, [still[0]!.id], { protectedIds: new Set([still[0]!.id]) })).rejects.toBeInstanceOf(SnapshotError);
  });
});

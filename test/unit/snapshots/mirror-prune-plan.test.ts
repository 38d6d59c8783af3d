// The pure half of mirror retention: which runs go, how a fold merges two records, and how the
// manifests of a fold under way are read.
import { describe, expect, it } from 'vitest';
import { type MirrorManifest, type MirrorOutcome, mirrorPoints, parseMirrorManifests } from '../../../electron/core/snapshots/mirror-manifest.js';
import { foldedManifest, planMirrorPrune } from '../../../electron/core/snapshots/mirror-prune.js';
import { selectRetention } from '../../../electron/core/snapshots/retention.js';
import { parseSnapshotId, snapshotIdFor } from '../../../electron/core/snapshots/snapshot-names.js';

function manifest(id: string, outcome: MirrorOutcome = 'ok', added: string[] = [], extra: Partial<MirrorManifest> = {}): MirrorManifest {
  return {
    format: 'reprise-mirror',
    formatVersion: 1,
    id,
    job: { id: 'j', name: 'M' },
    startedAt: parseSnapshotId(id)!.toISOString(),
    finishedAt: parseSnapshotId(id)!.toISOString(),
    outcome,
    sources: [{ path: '/m/music', base: 'music', files: 1, bytes: 1, added, transferred: 1, versioned: 0, outcome, error: null }],
    repriseVersion: 't',
    ...extra,
  };
}

// Two simulated years of mirror runs, as in retention.test.ts: one a day, a second on Saturdays,
// a week off in the middle, and now and then a failed run (never a restore point).
function twoYears(): MirrorManifest[] {
  const out: MirrorManifest[] = [];
  const start = Date.UTC(2024, 10, 23, 3, 0, 0);
  for (let day = 0; day < 730; day++) {
    if (day >= 400 && day < 407) continue;
    const t = new Date(start + day * 86_400_000);
    out.push(manifest(snapshotIdFor(t), day % 97 === 5 ? 'failed' : 'ok'));
    if (t.getUTCDay() === 6) out.push(manifest(snapshotIdFor(new Date(t.getTime() + 12 * 3600_000))));
  }
  return out;
}

describe('mirror prune plan', () => {
  const all = twoYears();
  const policy = { keepDaily: 14, keepWeekly: 8, keepMonthly: 12 };

  it('keeps exactly the restore points selectRetention keeps, over two simulated years', () => {
    const plan = planMirrorPrune(all, policy);
    const points = all.filter((m) => m.outcome === 'ok');
    const expected = selectRetention(points.map((m) => ({ id: m.id, time: parseSnapshotId(m.id)!, complete: true })), policy).keep.map((k) => k.id);
    expect(plan.keep).toEqual([...expected].sort());
    expect(plan.keep.length).toBeGreaterThan(14);
    expect(plan.keep.length).toBeLessThan(40);
    // Applying the plan leaves exactly the kept runs plus, at most, failed runs after the newest point.
    const folded = new Set(plan.fold.map((f) => f.id));
    const dropped = new Set(plan.dropOld);
    const left = all.filter((m) => !folded.has(m.id) && !dropped.has(m.id));
    expect(left.map((m) => m.id)).toEqual(plan.keep);
    expect([...plan.removedPoints].sort()).toEqual(points.map((m) => m.id).filter((id) => !plan.keep.includes(id)));
    // Runs between kept points all fold (with the oldest-only prune they stayed: ~700 of them).
    expect(plan.fold.length).toBeGreaterThan(300);
  });

  it('folds each run into the next one, oldest first, and never folds the last run', () => {
    const plan = planMirrorPrune(all, policy);
    const index = new Map(all.map((m, i) => [m.id, i]));
    for (const f of plan.fold) expect(index.get(f.into)).toBe(index.get(f.id)! + 1);
    expect(plan.fold.map((f) => f.id)).toEqual([...plan.fold.map((f) => f.id)].sort());
    expect(plan.dropOld.every((id) => id < plan.oldestKept!)).toBe(true);
  });

  it('keeps protected points and leaves a failed run after the newest point alone', () => {
    const ids = ['2026-01-01T030000Z', '2026-01-02T030000Z', '2026-01-03T030000Z', '2026-01-04T030000Z'];
    const ms = [manifest(ids[0]!), manifest(ids[1]!), manifest(ids[2]!), manifest(ids[3]!, 'failed')];
    const plan = planMirrorPrune(ms, { keepLast: 1 }, { protectedIds: new Set([ids[0]!]) });
    expect(plan.keep).toEqual([ids[0], ids[2]]);
    // Restoring from the first point reads versions/ of the runs after it: the second one waits.
    expect(plan.fold).toEqual([]);
    expect(plan.deferred).toEqual([ids[1]]);
    expect(plan.dropOld).toEqual([]);
    expect(plan.removedPoints).toEqual([]);
    const unprotected = planMirrorPrune(ms, { keepLast: 1 });
    expect(unprotected.keep).toEqual([ids[2]]);
    expect(unprotected.dropOld).toEqual([ids[0], ids[1]]);
    expect(unprotected.fold).toEqual([]); // the failed fourth run has nothing to fold into
  });

  it('folds nothing into a run after a point being restored from: those points wait', () => {
    const ids = ['2026-01-01T030000Z', '2026-01-02T030000Z', '2026-01-03T030000Z', '2026-01-04T030000Z', '2026-01-05T030000Z'];
    const ms = ids.map((id) => manifest(id));
    // Restoring from the second point: the first may fold into it, the fourth may not fold into the fifth.
    const plan = planMirrorPrune(ms, { keepLast: 1, keepMonthly: 1, keepDaily: 0 }, { protectedIds: new Set([ids[2]!]) });
    expect(plan.keep).toEqual([ids[2], ids[4]]);
    expect(plan.dropOld).toEqual([ids[0], ids[1]]);
    expect(plan.fold).toEqual([]);
    expect(plan.deferred).toEqual([ids[3]]);
    expect(plan.removedPoints).toEqual([ids[0], ids[1]]);
    const restoringFirst = planMirrorPrune(ms, { keepLast: 1 }, { protectedIds: new Set([ids[1]!]) });
    expect(restoringFirst.fold).toEqual([]);
    expect(restoringFirst.deferred).toEqual([ids[2], ids[3]]);
  });
});

describe('folding one run into the next', () => {
  const j = manifest('2026-01-02T030000Z', 'ok', ['music/new-in-j.flac', 'music/made-by-j-and-changed-by-n.flac']);
  const n = manifest('2026-01-03T030000Z', 'ok', ['music/deleted-by-j-recreated-by-n.flac', 'music/new-in-n.flac']);

  it('takes what j created, and drops from added what j saw existing', () => {
    const merged = foldedManifest(j, n, new Set(['music/deleted-by-j-recreated-by-n.flac', 'music/changed.flac']));
    expect(merged.id).toBe(n.id);
    expect(merged.revision).toBe(1);
    expect(merged.absorbs).toBe(j.id);
    expect(merged.sources[0]!.added).toEqual(['music/made-by-j-and-changed-by-n.flac', 'music/new-in-j.flac', 'music/new-in-n.flac']);
    expect(foldedManifest(j, merged, new Set()).revision).toBe(2);
  });

  it('keeps the record of a source j synced and n did not', () => {
    const other = { ...j.sources[0]!, path: '/m/podcasts', base: 'podcasts', files: 7, bytes: 70, added: ['podcasts/ep1.mp3'] };
    const merged = foldedManifest({ ...j, sources: [...j.sources, other] }, n, new Set());
    expect(merged.sources.map((s) => [s.base, s.files, s.added])).toEqual([
      ['music', 1, ['music/deleted-by-j-recreated-by-n.flac', 'music/made-by-j-and-changed-by-n.flac', 'music/new-in-j.flac', 'music/new-in-n.flac']],
      ['podcasts', 7, ['podcasts/ep1.mp3']],
    ]);
  });
});

describe('manifests of a fold under way', () => {
  const line = (m: MirrorManifest) => JSON.stringify(m);
  const j = manifest('2026-01-02T030000Z');
  const n = manifest('2026-01-03T030000Z');
  const merged = { ...n, revision: 1, absorbs: j.id, sources: [{ ...n.sources[0]!, added: ['music/x.flac'] }] };

  it('takes the higher revision of one id', () => {
    expect(parseMirrorManifests(`${line(merged)}\n${line(n)}\n`).find((m) => m.id === n.id)).toEqual(merged);
    expect(parseMirrorManifests(`${line(n)}\n${line(merged)}\n`)).toHaveLength(1);
  });

  it('drops a half-written manifest without losing the one rclone cat appends after it', () => {
    const half = line(merged).slice(0, 60); // no newline: cat runs it into the next file
    expect(parseMirrorManifests(`${line(j)}\n${half}${line(n)}\n`).map((m) => [m.id, m.revision ?? 0])).toEqual([
      [j.id, 0],
      [n.id, 0],
    ]);
  });

  it('no longer offers a run being folded as a restore point, nor failed runs', () => {
    expect(mirrorPoints([j, merged]).map((m) => m.id)).toEqual([n.id]);
    expect(mirrorPoints([j, n]).map((m) => m.id)).toEqual([j.id, n.id]);
    expect(mirrorPoints([manifest(j.id, 'failed'), n]).map((m) => m.id)).toEqual([n.id]);
  });
});

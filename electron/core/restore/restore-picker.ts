// The restore picker's commands: the points of every destination, a point's music index (cached:
// a point never changes once written), an item's versions across points, and album covers.
import { readFile, rm } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Handlers } from '../../../shared/contract.js';
import type { ItemVersionInfo, SourceIndex } from '../../../shared/restore.js';
import { ok } from '../../../shared/result.js';
import type { OpenedDestination } from '../destinations/kind.js';
import { binFromText } from '../destinations/record/entry.js';
import { PointIndexBuilder, readPointIndex } from '../destinations/record/point-index.js';
import type { PointSummary } from '../destinations/record/point-summary.js';
import type { RecordReader } from '../destinations/record/record-chain.js';
import { splitBackupPath } from '../destinations/restore/backup-path.js';
import { scratchDir } from '../process/scratch.js';
import { type RestoreServiceDeps, type RestoreSources, rethrow } from './restore-sources.js';

const MAX_COVER = 2 * 1024 * 1024;
const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);

/** A point's picker index built by streaming its record, a batch at a time: the listing itself is never held. */
export async function indexFromRecord(reader: RecordReader, summary: PointSummary): Promise<SourceIndex[]> {
  const out: SourceIndex[] = [];
  // One pass per source, reading only what lies under it.
  for (const s of summary.sources) {
    const index = new PointIndexBuilder([s.base]);
    for await (const batch of reader.treeBatches(summary.id, binFromText(s.base))) for (const e of batch) index.add(e);
    out.push(...index.finish());
  }
  return out;
}

/** Points whose picker index stays in memory once shown. */
export const INDEX_CACHE = 3;

/** restore:points, restore:browse, restore:versions and restore:cover. */
export function pickerHandlers(deps: RestoreServiceDeps, src: RestoreSources): Pick<Handlers, 'restore:points' | 'restore:browse' | 'restore:versions' | 'restore:cover'> {
  const { open, pickDest, chooseSource, resolvePoint, itemEntries, restorable, allPoints } = src;
  // A point's tree never changes once written: the picker's index is cached per point, for the
  // points shown last only (a Map keeps insertion order: the oldest first). At a million files an
  // index is ~20 MB, and a desktop app that kept every point browsed grew with each.
  const indexCache = new Map<string, SourceIndex[]>();
  return {
    'restore:points': async (req) => ok(await allPoints(deps.jobs.get(req.name))),

    'restore:browse': async (req) => {
      const job = deps.jobs.get(req.name);
      const d = req.from === undefined ? await chooseSource(job, undefined, req.at) : pickDest(job, req.from);
      try {
        const o = await open(d);
        try {
          const point = resolvePoint(o, d, req.at);
          const key = `${d.target}\0${point.summary.id}`;
          let sources = indexCache.get(key);
          if (sources) indexCache.delete(key);
          else {
            // The index the run stored beside the record; a point made before there were any, or
            // whose index is damaged, is read from its record instead.
            sources = (await readPointIndex(o.reader.storage, o.reader.index.names, point.summary)) ?? (await indexFromRecord(o.reader, point.summary));
          }
          indexCache.set(key, sources);
          for (const old of indexCache.keys()) if (indexCache.size > INDEX_CACHE) indexCache.delete(old);
          return ok({ destId: d.id, kind: d.kind, target: d.target, pointId: point.summary.id, sources });
        } finally {
          await o.close();
        }
      } catch (e) {
        rethrow(e);
      }
    },

    'restore:versions': async (req) => {
      const job = deps.jobs.get(req.name);
      const item = binFromText(splitBackupPath(req.path).join('/'));
      const out: ItemVersionInfo[] = [];
      for (const d of restorable(job)) {
        let o: OpenedDestination;
        try {
          o = await open(d);
        } catch {
          continue; // an unreadable destination contributes no versions; restore:points says why
        }
        try {
          let older: Map<string, string> | null = null;
          for (const p of o.points) {
            const files = new Map<string, string>();
            let bytes = 0;
            for await (const e of o.reader.tree(p.summary.id, item)) {
              if (e.type !== 'f') continue;
              files.set(e.path, e.lack ? `lack:${e.path}` : (e.hash ?? `${e.size}:${e.mtime}`));
              bytes += e.size;
            }
            if (files.size === 0) {
              older = null;
              continue;
            }
            let changes: ItemVersionInfo['changes'] = null;
            if (older) {
              let added = 0;
              let changed = 0;
              let removed = 0;
              for (const [path, id] of files) {
                const before = older.get(path);
                if (before === undefined) added++;
                else if (before !== id) changed++;
              }
              for (const path of older.keys()) if (!files.has(path)) removed++;
              changes = { added, removed, changed };
            }
            out.push({ destId: d.id, kind: d.kind, target: d.target, pointId: p.summary.id, time: p.summary.startedAt, files: files.size, bytes, changes, confirmedThrough: p.summary.confirmations.at(-1) ?? null });
            older = files;
          }
        } catch {
          // a damaged record hides this destination's versions; restore:points reports it
        } finally {
          await o.close();
        }
      }
      return ok(out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)));
    },

    'restore:cover': async (req) => {
      const job = deps.jobs.get(req.name);
      if (!IMAGE_EXT.has(extname(req.path).toLowerCase())) return ok({ dataUrl: null });
      try {
        const d = pickDest(job, req.from);
        const o = await open(d);
        const stage = await scratchDir('cover');
        try {
          const point = resolvePoint(o, d, req.at);
          const { item, entries } = await itemEntries(o, point.summary.id, req.path);
          const file = entries[0];
          if (!file || file.path !== item || file.type !== 'f' || file.lack || file.size > MAX_COVER) return ok({ dataUrl: null });
          const got = await o.bytes(point.summary.id).fetch([file], Buffer.from(stage), undefined, () => {});
          const staged = got.staged.get(file.path);
          if (!staged) return ok({ dataUrl: null });
          const bytes = await readFile(staged);
          // Go by the bytes, not the name: plenty of cover.jpg files are PNGs.
          const sniffed = bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ? 'image/png' : bytes.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : bytes.subarray(0, 3).toString('latin1') === 'GIF' ? 'image/gif' : null;
          if (!sniffed) return ok({ dataUrl: null });
          return ok({ dataUrl: `data:${sniffed};base64,${bytes.toString('base64')}` });
        } finally {
          await rm(stage, { recursive: true, force: true });
          await o.close();
        }
      } catch {
        return ok({ dataUrl: null });
      }
    },
  };
}

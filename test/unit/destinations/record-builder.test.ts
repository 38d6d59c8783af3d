// Building a point's record over a base point: while the walk streams past only the delta is
// written; when the chain's deltas outgrow half a tree (or the base cannot be read) the full
// record is made afterwards from the base and the delta. Either way the point's tree must be
// exactly the tree a run without any base would record.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RecordEntry, bin } from '../../../electron/core/destinations/record/entry.js';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { startPointRun } from '../../../electron/core/destinations/record/point-run.js';
import { recordOnly } from '../../../electron/core/destinations/record/record-builder.js';
import { openRecords } from '../../../electron/core/destinations/record/record-chain.js';
import { localRecordStorage } from '../../../electron/core/destinations/record/record-storage.js';
import { WALK_BATCH, orderSources, walkSourceBatches } from '../../../electron/core/destinations/record/tree-walk.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

let clock = Date.parse('2026-01-01T00:00:00Z');

/** One run of the record side as a kind does it: build, store as intent, finish as a point. */
async function recordRun(dest: string, src: string) {
  const storage = localRecordStorage(dest);
  const startedAt = new Date((clock += 60_000));
  const id = startedAt.toISOString().replace(/[-:]|\.\d+/g, '');
  const work = tempDir();
  const run = await startPointRun({ storage, kind: 'mirror', job: { id: 'j', name: 'J' }, sources: orderSources([src]), id, startedAt, workDir: work, repriseVersion: 'test' });
  const built = await run.build(walkSourceBatches({ sources: orderSources([src]) }), {});
  await run.writeIntent(built);
  await run.finish(built, { lack: new Map(), outcome: 'ok', transferred: { files: 0, bytes: 0 }, warnings: [] });
  return { id, built };
}

async function treeOf(dest: string, id: string): Promise<RecordEntry[]> {
  const reader = await openRecords(localRecordStorage(dest));
  const out: RecordEntry[] = [];
  for await (const e of reader.tree(id)) out.push(recordOnly(e));
  await reader.close();
  return out;
}

/** The tree a first run over the source records now (no base point). */
async function freshTree(src: string): Promise<RecordEntry[]> {
  const dest = tempDir();
  const { id } = await recordRun(dest, src);
  return treeOf(dest, id);
}

describe('records over a base point', () => {
  it('are deltas while little changed, full again when much did, and a damaged base still gives the whole tree', async () => {
    const src = join(tempDir(), 'music');
    // More files than a few batches of the walk, the merge and the comparison.
    const n = WALK_BATCH * 3 + 17;
    for (let a = 0; a < 40; a++) await mkdir(join(src, `Artist ${a}`), { recursive: true });
    const name = (i: number) => join(src, `Artist ${i % 40}`, `${String(i).padStart(5, '0')} Track.flac`);
    for (let i = 0; i < n; i++) await writeFile(name(i), `track ${i}`);
    const dest = tempDir();
    const first = await recordRun(dest, src);
    expect(first.built.kind).toBe('full');
    expect(await treeOf(dest, first.id)).toEqual(await freshTree(src));

    // A few edits, a deletion and an addition: a delta on the first point, holding only those.
    await writeFile(name(5), 'edited');
    await utimes(name(5), 1_800_000_000, 1_800_000_000);
    await writeFile(join(src, 'Artist 3', 'new.flac'), 'new');
    rmSync(name(7));
    const second = await recordRun(dest, src);
    expect(second.built.kind).toBe('delta');
    const c = second.built.changes;
    expect(c.added).toBe(1);
    expect(c.deleted).toBe(1);
    expect(second.built.lines).toBe(c.added + c.changed + c.deleted);
    expect(await treeOf(dest, second.id)).toEqual(await freshTree(src));

    // Most files edited: the deltas would outgrow half a tree, so the record is full again, made
    // from the base point and this run's changes.
    for (let i = 0; i < n; i += 3) if (i !== 7) await writeFile(name(i), `edited ${i}`);
    for (let i = 1; i < n; i += 3) if (i !== 7) await writeFile(name(i), `edited again ${i}`);
    const third = await recordRun(dest, src);
    expect(third.built.kind).toBe('full');
    expect(third.built.lines).toBe(third.built.totals.files + third.built.totals.dirs);
    expect(await treeOf(dest, third.id)).toEqual(await freshTree(src));

    // The base's entries file damaged half way: what could be read of it, plus what this run
    // found, still makes the whole tree.
    const entries = join(dest, 'records', `${third.id}.entries.gz`);
    const bytes = readFileSync(entries);
    writeFileSync(entries, Buffer.concat([bytes.subarray(0, Math.floor(bytes.length / 2)), Buffer.from('no longer gzip'), bytes.subarray(Math.floor(bytes.length / 2) + 14)]));
    await writeFile(name(2), 'one more edit');
    const fourth = await recordRun(dest, src);
    expect(fourth.built.baseProblem).toMatch(/cannot be read/);
    expect(fourth.built.kind).toBe('full');
    expect(await treeOf(dest, fourth.id)).toEqual(await freshTree(src));
  }, 60_000);

  it('write the new ctime of an entry that did not change, so a later run does not read its attributes again', async () => {
    const src = join(tempDir(), 'music');
    await mkdir(src);
    await writeFile(join(src, 'a.flac'), 'a');
    await writeFile(join(src, 'b.flac'), 'b');
    const dest = tempDir();
    await recordRun(dest, src);
    // A mode changed and set back (as a restore in place does): the ctime moved, nothing else did.
    await chmod(join(src, 'a.flac'), 0o600);
    await chmod(join(src, 'a.flac'), 0o644);
    const second = await recordRun(dest, src);
    expect(second.built.changes).toEqual({ added: 0, changed: 0, deleted: 0, bytes: 0 });
    expect(second.built.lines).toBe(1);
    expect(await treeOf(dest, second.id)).toEqual(await freshTree(src));
    const third = await recordRun(dest, src);
    expect(third.built.lines).toBe(0);
  });
});

describe('a first run that reads content while the copy runs', () => {
  it('records every file without its hash first, then the same tree a hashing walk records; a file gone meanwhile is lacking', async () => {
    const src = join(tempDir(), 'music');
    const n = WALK_BATCH * 2 + 9;
    for (let a = 0; a < 7; a++) await mkdir(join(src, `Artist ${a}`), { recursive: true });
    const name = (i: number) => join(src, `Artist ${i % 7}`, `${String(i).padStart(5, '0')} Track.flac`);
    // One file above the size read in one go, so both ways of reading are used.
    for (let i = 0; i < n; i++) await writeFile(name(i), i === 5 ? Buffer.alloc(3 << 20, 9) : `track ${i}`);
    const expected = await freshTree(src);

    const dest = tempDir();
    const startedAt = new Date((clock += 60_000));
    const id = startedAt.toISOString().replace(/[-:]|\.\d+/g, '');
    const sources = orderSources([src]);
    const run = await startPointRun({ storage: localRecordStorage(dest), kind: 'mirror', job: { id: 'j', name: 'J' }, sources, id, startedAt, workDir: tempDir(), repriseVersion: 'test' });
    const walked = await run.build(walkSourceBatches({ sources }), { readLater: true });
    expect(walked.pending).toBe(n);
    await run.writeIntent(walked);
    // A point without content hashes could never be verified deeply: finish refuses it.
    await expect(run.finish(walked, { lack: new Map(), outcome: 'ok', transferred: { files: 0, bytes: 0 }, warnings: [] })).rejects.toThrow(/content hashes/);
    const complete = await run.completeContent(walked);
    expect(complete.pending).toBe(0);
    expect(complete.lacking.count).toBe(0);
    await run.finish(complete, { lack: new Map(), outcome: 'ok', transferred: { files: 0, bytes: 0 }, warnings: [] });
    expect(await treeOf(dest, id)).toEqual(expected);

    // A file deleted between the walk and the reading: the point lacks it, with why.
    const dest2 = tempDir();
    const id2 = new Date((clock += 60_000)).toISOString().replace(/[-:]|\.\d+/g, '');
    const run2 = await startPointRun({ storage: localRecordStorage(dest2), kind: 'mirror', job: { id: 'j', name: 'J' }, sources, id: id2, startedAt: new Date(clock), workDir: tempDir(), repriseVersion: 'test' });
    const walked2 = await run2.build(walkSourceBatches({ sources }), { readLater: true });
    rmSync(name(3));
    const complete2 = await run2.completeContent(walked2);
    expect(complete2.lacking.count).toBe(1);
    expect(complete2.lacking.sample[0]).toMatch(/00003 Track\.flac: vanished/);
    await run2.finish(complete2, { lack: new Map(), outcome: 'partial', transferred: { files: 0, bytes: 0 }, warnings: [] });
    const tree2 = await treeOf(dest2, id2);
    expect(tree2.filter((e) => e.lack).map((e) => e.path)).toEqual([expected.find((e) => e.path.endsWith('00003 Track.flac'))!.path]);
    expect(tree2.filter((e) => e.type === 'f' && !e.lack && !e.hash)).toEqual([]);
  }, 60_000);

  it('adds every entry\'s extended attributes, left unread by the walk, when it reads the content', async () => {
    const src = join(tempDir(), 'music');
    const album = join(src, 'Björk', 'Debut');
    await mkdir(album, { recursive: true });
    const odd = Buffer.concat([Buffer.from(`${album}/`), Buffer.from([0x4f, 0xe9, 0x2e, 0x66, 0x6c, 0x61, 0x63])]); // "Oé.flac" in Latin-1: not UTF-8
    writeFileSync(odd, 'odd');
    for (let i = 0; i < WALK_BATCH * 2; i++) await writeFile(join(album, `${String(i).padStart(3, '0')} Track.flac`), `track ${i}`);
    await symlink('000 Track.flac', join(album, 'first.flac'));
    const set = (path: string, name: string, value: string) => execFileSync('setfattr', ['-h', '-n', name, '-v', value, '--', path]);
    set(src, 'user.root', 'source');
    set(join(src, 'Björk'), 'user.kind', 'artist');
    set(join(album, '007 Track.flac'), 'user.rating', '5');
    set(join(album, `${WALK_BATCH + 3} Track.flac`), 'user.rating', '3');
    // Arguments go out as UTF-8 text: the shell names the Latin-1 file byte for byte.
    execFileSync('bash', ['-c', `setfattr -h -n user.odd -v yes -- "$(printf 'O\\351.flac')"`], { cwd: album });
    set(join(album, 'first.flac'), 'trusted.link', 'x');

    const sources = orderSources([src]);
    const record = async (readLater: boolean) => {
      const dest = tempDir();
      const startedAt = new Date((clock += 60_000));
      const id = startedAt.toISOString().replace(/[-:]|\.\d+/g, '');
      const run = await startPointRun({ storage: localRecordStorage(dest), kind: 'snapshot', job: { id: 'j', name: 'J' }, sources, id, startedAt, workDir: tempDir(), repriseVersion: 'test' });
      const walked = await run.build(walkSourceBatches({ sources, xattrs: new ChildRunner() }), { readLater });
      await run.writeIntent(walked);
      if (readLater) {
        // Left for later: not in the record yet, and a point is never made without them.
        expect(walked.xattrsLater?.size).toBe(1);
        await expect(run.finish({ ...walked, pending: 0 }, { lack: new Map(), outcome: 'ok', transferred: { files: 0, bytes: 0 }, warnings: [] })).rejects.toThrow(/extended attributes/);
      }
      const complete = await run.completeContent(walked);
      expect(complete.xattrsLater).toBeUndefined();
      await run.finish(complete, { lack: new Map(), outcome: 'ok', transferred: { files: 0, bytes: 0 }, warnings: [] });
      return treeOf(dest, id);
    };
    const direct = await record(false);
    const b64 = (v: string) => Buffer.from(v).toString('base64');
    const by = new Map(direct.map((e) => [e.path, e]));
    expect(by.get('music')?.xattrs).toEqual({ 'user.root': b64('source') });
    expect(by.get(`music/${bin(Buffer.from('Björk'))}`)?.xattrs).toEqual({ 'user.kind': b64('artist') });
    expect(by.get(`music/${bin(Buffer.from('Björk/Debut/007 Track.flac'))}`)?.xattrs).toEqual({ 'user.rating': b64('5') });
    expect(by.get(`music/${bin(Buffer.from('Björk/Debut/'))}Oé.flac`)?.xattrs).toEqual({ 'user.odd': b64('yes') });
    expect(by.get(`music/${bin(Buffer.from('Björk/Debut/first.flac'))}`)?.xattrs).toEqual({ 'trusted.link': b64('x') });
    expect(direct.filter((e) => e.xattrs).length).toBe(6);
    expect(await record(true)).toEqual(direct);
  }, 60_000);
});

// The record format: byte-exact paths, order, the stored lines, chains of deltas, the walk and the
// comparison with an earlier point.
import { type ChildOptions, ChildRunner, type RunningChild } from '../../../electron/core/process/child.js';
import { recordOnly } from '../../../electron/core/destinations/record/record-builder.js';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { link, mkdir, symlink, writeFile, utimes, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type RecordEntry, type RecordLine, bin, binFromText, comparePaths, decodeLine, encodeLine, isUnder, textOf } from '../../../electron/core/destinations/record/entry.js';
import { openRecordFile, writeRecordFile } from '../../../electron/core/destinations/record/record-file.js';
import { mergeChain } from '../../../electron/core/destinations/record/record-chain.js';
import { walkSources, orderSources } from '../../../electron/core/destinations/record/tree-walk.js';
import { diffTrees, hashFromDisk } from '../../../electron/core/destinations/record/tree-diff.js';
import { parseFilterDump } from '../../../electron/core/destinations/record/source-filter.js';
import { parseGetfattrDump } from '../../../electron/core/destinations/record/xattrs.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

const file = (path: string, extra: Partial<RecordEntry> = {}): RecordEntry => ({ path, type: 'f', size: 1, mtime: '1700000000123456789', mode: 0o644, uid: 0, gid: 0, ...extra });

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function* from<T>(list: readonly T[]): AsyncGenerator<T> {
  for (const x of list) yield x;
}

/** A runner that notes every child it starts. */
class Watched extends ChildRunner {
  readonly started: string[][] = [];
  private readonly results: Array<Promise<unknown>> = [];
  override start(o: ChildOptions): RunningChild {
    this.started.push([o.command, ...o.args]);
    const child = super.start(o);
    this.results.push(child.result);
    return child;
  }
  /** Settles once every child started has ended (a child left running fails the test by its timeout). */
  async allEnded(): Promise<void> {
    await Promise.all(this.results);
    expect(this.liveCount).toBe(0);
  }
}

describe('paths', () => {
  it('orders a folder before its content, and its content before a sibling that sorts after "/"', () => {
    const paths = ['a.b', 'a/b', 'a', 'a/b/c', 'a-b', 'B', 'a/bb'];
    expect([...paths].sort(comparePaths)).toEqual(['B', 'a', 'a/b', 'a/b/c', 'a/bb', 'a-b', 'a.b']);
  });

  it('keeps names that are not UTF-8 and both spellings of café byte for byte', () => {
    const latin1 = bin(Buffer.from([0x4d, 0x6f, 0x74, 0xf6, 0x72, 0x68, 0x65, 0x61, 0x64])); // "Motörhead" in Latin-1
    const nfc = binFromText('café.txt'.normalize('NFC'));
    const nfd = binFromText('café.txt'.normalize('NFD'));
    expect(nfc).not.toBe(nfd);
    for (const p of [latin1, nfc, nfd]) {
      const back = decodeLine(encodeLine(file(`music/${p}`))) as RecordEntry;
      expect(back.path).toBe(`music/${p}`);
    }
    expect(encodeLine(file(`music/${latin1}`))).toContain('"pb":');
    expect(encodeLine(file(`music/${nfc}`))).toContain('"p":"music/café.txt"');
  });

  it('tells what lies under a folder without being fooled by a longer name', () => {
    expect(isUnder('music/A', 'music')).toBe(true);
    expect(isUnder('music', 'music')).toBe(true);
    expect(isUnder('musicals/A', 'music')).toBe(false);
  });
});

describe('stored lines', () => {
  it('round-trips every field and refuses damaged lines', () => {
    const e: RecordEntry = { path: 'm/x', type: 'l', size: 0, mtime: '-5', ctime: '1700000000999999999', mode: 0o777, uid: 1000, gid: 100, link: bin(Buffer.from([0xff, 0x2f, 0x61])), xattrs: { 'user.a': 'AAE=' }, lack: 'why' };
    expect(decodeLine(encodeLine(e))).toEqual(e);
    expect(encodeLine(e)).toContain('"c":"1700000000999999999"');
    // Records written before ctimes were kept: the entry has none, and reads back as it was.
    const old = file('m/old');
    expect(encodeLine(old)).not.toContain('"c"');
    expect(decodeLine('{"p":"m/old","t":"f","s":1,"m":"1700000000123456789","mo":420,"u":0,"g":0}')).toEqual(old);
    expect(() => decodeLine('{"p":"x","t":"f","m":"1","c":"soon","mo":1,"u":0,"g":0}')).toThrow(/c:/);
    expect(decodeLine('{"p":"gone","del":1}')).toEqual({ path: 'gone', deleted: true });
    expect(() => decodeLine('{"p":"x","t":"f"}')).toThrow(/without type, mtime/);
    expect(() => decodeLine('{"p":"x","t":"q","m":"1","mo":1,"u":0,"g":0}')).toThrow();
    expect(() => decodeLine('not json')).toThrow(/not JSON/);
    expect(() => decodeLine('{"t":"f","m":"1","mo":1,"u":0,"g":0}')).toThrow(/without a path/);
  });

  it('writes and reads an entries file, and refuses lines out of order', async () => {
    const dir = tempDir();
    const lines: RecordLine[] = [file('a'), file('a/b'), { path: 'a/c', deleted: true }, file('b')];
    expect(await writeRecordFile(join(dir, 'r.gz'), { format: 'reprise-record', version: 1, id: 'X', kind: 'delta', base: 'W' }, lines)).toBe(4);
    const rec = await openRecordFile(join(dir, 'r.gz'));
    expect(rec.header).toEqual({ format: 'reprise-record', version: 1, id: 'X', kind: 'delta', base: 'W' });
    expect(await collect(rec.lines)).toEqual(lines);
    await expect(writeRecordFile(join(dir, 'bad.gz'), { format: 'reprise-record', version: 1, id: 'X', kind: 'full', base: null }, [file('b'), file('a')])).rejects.toThrow(/out of order/);
    await writeFile(join(dir, 'garbage.gz'), 'not gzip at all');
    await expect(openRecordFile(join(dir, 'garbage.gz')).then((r) => collect(r.lines))).rejects.toThrow();
  });
});

describe('chains', () => {
  it('applies deltas over a full record: newest wins, deletions drop', async () => {
    const full = [file('a'), file('b'), file('c')];
    const d1: RecordLine[] = [file('b', { size: 2 }), { path: 'c', deleted: true }, file('d')];
    const d2: RecordLine[] = [file('a', { mode: 0o600 }), { path: 'd', deleted: true }, file('e')];
    const tree = await collect(mergeChain([from(full)[Symbol.asyncIterator](), from(d1)[Symbol.asyncIterator](), from(d2)[Symbol.asyncIterator]()]));
    expect(tree).toEqual([file('a', { mode: 0o600 }), file('b', { size: 2 }), file('e')]);
    const under = await collect(mergeChain([from([file('m'), file('m/x'), file('mm')])[Symbol.asyncIterator]()], 'm'));
    expect(under.map((e) => e.path)).toEqual(['m', 'm/x']);
  });
});

describe('the walk', () => {
  it('records files, folders, links, hard links, modes, mtimes and xattrs in record order', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    await mkdir(join(src, 'A', 'empty'), { recursive: true });
    await writeFile(join(src, 'A', 'one.flac'), 'one');
    await link(join(src, 'A', 'one.flac'), join(src, 'A', 'two.flac'));
    await symlink('one.flac', join(src, 'A', 'link'));
    await symlink('/nowhere/at/all', join(src, 'broken'));
    await writeFile(join(src, 'key'), 'secret');
    await chmod(join(src, 'key'), 0o600);
    await utimes(join(src, 'key'), 1_000_000, 1_000_000);
    execFileSync('setfattr', ['-n', 'user.rating', '-v', '5', join(src, 'key')]);
    await writeFile(Buffer.from(`${src}/caf\xe9`, 'latin1'), 'latin-1 name');
    // The walk leaves xattrs to the comparison (with no base: one getfattr -R per source).
    const walked = (await collect(diffTrees(walkSources({ sources: orderSources([src]), xattrs: new ChildRunner() }), null, hashFromDisk()))).map((i) => i.entry!);
    expect(walked.map((e) => textOf(e.path))).toEqual(['music', 'music/A', 'music/A/empty', 'music/A/link', 'music/A/one.flac', 'music/A/two.flac', 'music/broken', 'music/caf\ufffd', 'music/key']);
    const by = new Map(walked.map((e) => [textOf(e.path), e]));
    expect(by.get('music/A/link')).toMatchObject({ type: 'l', link: 'one.flac' });
    expect(by.get('music/broken')).toMatchObject({ type: 'l', link: '/nowhere/at/all' });
    expect(by.get('music/A/two.flac')).toMatchObject({ type: 'f', hardlink: 'music/A/one.flac' });
    expect(by.get('music/A/one.flac')?.hardlink).toBeUndefined();
    expect(by.get('music/key')).toMatchObject({ mode: 0o600, mtime: '1000000000000000', xattrs: { 'user.rating': Buffer.from('5').toString('base64') } });
    expect(walked[7]!.path).toBe(bin(Buffer.from('music/caf\xe9', 'latin1')));
  });

  it('applies rclone\'s own rules for the job\'s excludes', async () => {
    const f = parseFilterDump('--- start filters ---\n--- File filter rules ---\n- (^|/)[^/]*\\.tmp$\n- (^|/)cache/.*$\n--- Directory filter rules ---\n- (^|/)cache/.*$\n--- end filters ---\n');
    expect(f.includeFile('a/b.tmp')).toBe(false);
    expect(f.includeFile('a/b.flac')).toBe(true);
    expect(f.includeDir('x/cache')).toBe(false);
    expect(f.includeDir('x/cachet')).toBe(true);
  });

  it('reads getfattr dumps with escaped names', () => {
    const m = parseGetfattrDump('# file: /t/new\\012line\nuser.k=0sdgAB\n\n# file: /t/plain\nuser.a=0x0102\nuser.b="text"\n\n');
    expect(m.get('/t/new\nline')).toEqual({ 'user.k': 'dgAB' });
    expect(m.get('/t/plain')).toEqual({ 'user.a': 'AQI=', 'user.b': Buffer.from('text').toString('base64') });
  });
});

describe('comparing with the base point', () => {
  it('classifies added, changed, deleted and unchanged, reading only what may have changed', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    await mkdir(src);
    await writeFile(join(src, 'same'), 'same');
    await writeFile(join(src, 'edited'), 'new!');
    await writeFile(join(src, 'added'), 'added');
    await writeFile(join(src, 'touched'), 'touched');
    const first = await collect(walkSources({ sources: orderSources([src]) }));
    const byPath = new Map(first.map((e) => [textOf(e.path), e]));
    const base: RecordEntry[] = [
      { ...byPath.get('music')! },
      { ...byPath.get('music/edited')!, hash: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', mtime: '1' },
      { path: binFromText('music/gone'), type: 'f', size: 3, mtime: '1', mode: 0o644, uid: 0, gid: 0, hash: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
      { ...byPath.get('music/same')!, hash: 'cccccccccccccccccccccccccccccccc' },
      { ...byPath.get('music/touched')!, mtime: '2', hash: '0e8ae4b0b5e4de3e6f4e2a7b4b1c7c6f' },
    ].map(({ ...e }) => {
      const { abs: _a, rel: _r, source: _s, ...rest } = e as RecordEntry & { abs?: unknown; rel?: unknown; source?: unknown };
      return rest;
    });
    const hashed: string[] = [];
    const hasher = hashFromDisk();
    const items = await collect(
      diffTrees(walkSources({ sources: orderSources([src]) }), from(base), async (e, b) => {
        hashed.push(textOf(e.path));
        return hasher(e, b);
      }),
    );
    const summary = Object.fromEntries(items.map((i) => [textOf((i.entry ?? i.before)!.path), `${i.change}${i.content ? '+content' : ''}`]));
    expect(summary).toEqual({
      music: 'same',
      'music/added': 'added+content',
      'music/edited': 'changed+content',
      'music/gone': 'deleted',
      'music/same': 'same',
      'music/touched': 'changed+content',
    });
    expect(hashed.sort()).toEqual(['music/added', 'music/edited', 'music/touched']);
    expect(items.find((i) => textOf(i.entry?.path ?? '') === 'music/same')?.entry?.hash).toBe('cccccccccccccccccccccccccccccccc');
  });

  it('takes the base point\'s extended attributes where the ctime did not move, and reads only the rest', async () => {
    const root = tempDir();
    const src = join(root, 'music');
    await mkdir(src);
    const latin1 = Buffer.from(`${src}/caf\xe9`, 'latin1');
    for (const n of ['acl', 'kept', 'mode', 'setx']) await writeFile(join(src, n), n);
    await writeFile(latin1, 'latin-1 name');
    execFileSync('setfattr', ['-n', 'user.a', '-v', '1', join(src, 'kept')]);
    // Arguments reach a child as UTF-8 text: the shell spells the Latin-1 byte.
    const setLatin1 = (v: string) => execFileSync('sh', ['-c', 'cd "$1" && setfattr -n user.k -v "$2" "$(printf \'caf\\351\')"', 'sh', src, v]);
    const b64 = (t: string) => Buffer.from(t).toString('base64');
    setLatin1('old');
    const compare = async (base: RecordEntry[] | null) => {
      const children = new Watched();
      const items = await collect(diffTrees(walkSources({ sources: orderSources([src]), xattrs: children }), base ? from(base) : null, hashFromDisk()));
      const changes = Object.fromEntries(items.map((i) => [textOf((i.entry ?? i.before)!.path), i.change]));
      const getfattr = children.started.map((a) => (a.includes('-R') ? 'getfattr -R' : a.slice(0, 2).join(' ')));
      return { tree: items.map((i) => recordOnly(i.entry!)), changes, getfattr, by: new Map(items.map((i) => [textOf(i.entry!.path), i.entry!])) };
    };

    const first = await compare(null);
    expect(first.getfattr).toEqual(['getfattr -R']);
    expect(first.by.get('music/kept')?.xattrs).toEqual({ 'user.a': b64('1') });
    expect(first.tree.every((e) => /^\d+$/.test(e.ctime ?? ''))).toBe(true);

    // Nothing changed: no getfattr at all, and the attributes are the base point's.
    const again = await compare(first.tree);
    expect(again.getfattr).toEqual([]);
    expect(Object.values(again.changes).every((c) => c === 'same')).toBe(true);
    expect(again.tree).toEqual(first.tree);

    // An xattr-only and an ACL-only change (no mtime moves), a new value on a name that is not
    // UTF-8, and a mode changed and set back (ctime moved, nothing else): read by name in one child
    // (the run's helper shell, which starts getfattr).
    execFileSync('setfattr', ['-n', 'user.x', '-v', 'y', join(src, 'setx')]);
    execFileSync('setfacl', ['-m', 'u:nobody:r', join(src, 'acl')]);
    setLatin1('new');
    await chmod(join(src, 'mode'), 0o600);
    await chmod(join(src, 'mode'), 0o644);
    const changed = await compare(first.tree);
    expect(changed.getfattr).toEqual(['bash -c']);
    expect(changed.changes).toEqual({ music: 'same', 'music/acl': 'changed', 'music/caf\ufffd': 'changed', 'music/kept': 'same', 'music/mode': 'same', 'music/setx': 'changed' });
    expect(changed.by.get('music/setx')?.xattrs).toEqual({ 'user.x': b64('y') });
    expect(Object.keys(changed.by.get('music/acl')?.xattrs ?? {})).toContain('system.posix_acl_access');
    expect(changed.by.get('music/caf\ufffd')?.xattrs).toEqual({ 'user.k': b64('new') });
    expect(changed.by.get('music/kept')?.xattrs).toEqual({ 'user.a': b64('1') });

    // A base recorded before ctimes were kept: the whole source is read again at once, nothing is a change.
    const old = changed.tree.map(({ ctime: _c, ...e }) => e);
    const upgraded = await compare(old);
    expect(upgraded.getfattr).toEqual(['getfattr -R']);
    expect(Object.values(upgraded.changes).every((c) => c === 'same')).toBe(true);
    expect(upgraded.tree).toEqual(changed.tree);
  });

  it('reads the attributes of changes spread over many batches in one child', async () => {
    const src = join(tempDir(), 'music');
    await mkdir(src);
    // Three batches of the comparison, a change in each.
    const n = 1100;
    const name = (i: number) => join(src, `${String(i).padStart(4, '0')}.flac`);
    for (let i = 0; i < n; i++) writeFileSync(name(i), String(i));
    const walk = (children?: ChildRunner) => walkSources({ sources: orderSources([src]), ...(children ? { xattrs: children } : {}) });
    const base = (await collect(diffTrees(walk(new ChildRunner()), null, hashFromDisk()))).map((i) => recordOnly(i.entry!));
    for (const i of [3, 700, 1099]) execFileSync('setfattr', ['-n', 'user.x', '-v', String(i), name(i)]);
    const children = new Watched();
    const items = await collect(diffTrees(walk(children), from(base), hashFromDisk()));
    expect(children.started.map((a) => a[0])).toEqual(['bash']);
    expect(items.filter((i) => i.change !== 'same').map((i) => textOf(i.entry!.path))).toEqual(['music/0003.flac', 'music/0700.flac', 'music/1099.flac']);
    expect(items.map((i) => textOf(i.entry!.path))).toEqual(base.map((e) => textOf(e.path)));
    expect(items.find((i) => textOf(i.entry!.path) === 'music/0700.flac')!.entry!.xattrs).toEqual({ 'user.x': Buffer.from('700').toString('base64') });
    // The helper ends with the comparison.
    await children.allEnded();
  }, 30_000);

  /** A library of `n` files, its base record, and attributes set on `changed` of them. */
  async function changedLibrary(n: number, changed: readonly number[]) {
    const src = join(tempDir(), 'music');
    await mkdir(src);
    const name = (i: number) => join(src, `${String(i).padStart(4, '0')}.flac`);
    for (let i = 0; i < n; i++) writeFileSync(name(i), String(i));
    const walk = (children: ChildRunner) => walkSources({ sources: orderSources([src]), xattrs: children });
    const base = (await collect(diffTrees(walk(new ChildRunner()), null, hashFromDisk()))).map((i) => recordOnly(i.entry!));
    for (const i of changed) execFileSync('setfattr', ['-n', 'user.x', '-v', String(i), name(i)]);
    return { src, walk, base };
  }

  it('ends the getfattr helper when a comparison is left half way', async () => {
    const { walk, base } = await changedLibrary(1500, [10, 600, 1200]);
    const children = new Watched();
    let seen = 0;
    for await (const _item of diffTrees(walk(children), from(base), hashFromDisk())) if (++seen === 700) break;
    expect(children.started.map((a) => a[0])).toEqual(['bash']);
    await children.allEnded();
  }, 30_000);

  it('reads by name with a child per window where no shell can be started', async () => {
    // Two windows of the comparison (XATTR_WINDOW), a change in each.
    const { walk, base } = await changedLibrary(1100, [3, 1099]);
    class NoShell extends Watched {
      override start(o: ChildOptions): RunningChild {
        return super.start(o.command === 'bash' ? { ...o, command: '/nonexistent/bash' } : o);
      }
    }
    const children = new NoShell();
    const items = await collect(diffTrees(walk(children), from(base), hashFromDisk()));
    expect(children.started.map((a) => a[0])).toEqual(['/nonexistent/bash', 'xargs', 'xargs']);
    expect(items.filter((i) => i.change !== 'same').map((i) => textOf(i.entry!.path))).toEqual(['music/0003.flac', 'music/1099.flac']);
    expect(items.find((i) => textOf(i.entry!.path) === 'music/0003.flac')!.entry!.xattrs).toEqual({ 'user.x': Buffer.from('3').toString('base64') });
  }, 30_000);

  it('records no attributes, and fails nothing, where getfattr is missing', async () => {
    const { walk, base } = await changedLibrary(300, [5]);
    // A PATH with the shell and the death-signal wrapper but no getfattr.
    const bin = join(tempDir(), 'bin');
    await mkdir(bin);
    for (const tool of ['bash', 'setpriv']) await symlink(execFileSync('sh', ['-c', `command -v ${tool}`]).toString().trim(), join(bin, tool));
    class NoGetfattr extends Watched {
      override start(o: ChildOptions): RunningChild {
        return super.start(o.command === 'bash' ? { ...o, env: { ...o.env, PATH: bin } } : o);
      }
    }
    const children = new NoGetfattr();
    const items = await collect(diffTrees(walk(children), from(base), hashFromDisk()));
    expect(children.started.map((a) => a[0])).toEqual(['bash']);
    expect(items.find((i) => textOf(i.entry!.path) === 'music/0005.flac')!.entry!.xattrs).toBeUndefined();
    expect(items.every((i) => i.entry?.xattrsToRead === undefined)).toBe(true);
  }, 30_000);
});

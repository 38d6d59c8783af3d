// The rules around restore points: retention keeps exactly what the policy says and every kept point
// still restores exactly; the deletion guard compares with the last complete point, never a refused
// run; a run with unreadable files is a partial point that names what it lacks and retention keeps
// the newest copy of those files; a live SQLite database is copied consistently on every kind.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise, repriseAs } from '../../support/cli.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';
import { WALK_THREAD_ENV } from '../../../electron/core/destinations/record/tree-walk.js';

let root: string;
let config: string;
let server: WebDavServer;

beforeAll(async () => {
  root = tempDir();
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'dav'));
  server = await startWebDav(join(root, 'dav'));
  config = await writeWebDavConfig(root, 'dav', server);
}, 60_000);
afterAll(async () => {
  await server?.stop();
  cleanupTempDirs();
});

// What retention said in each run's log (a failure to prune is logged, not fatal): the story behind a mismatch.
function retentionLog(data: string): string {
  const dir = join(data, 'logs');
  if (!existsSync(dir)) return '(no logs)';
  return readdirSync(dir)
    .filter((n) => n.endsWith('.log'))
    .sort()
    .map((n) => `${n}:\n${readFileSync(join(dir, n), 'utf8').split('\n').filter((l) => l.includes('retention')).join('\n')}`)
    .join('\n');
}

type Points = Array<{ target: string; warnings: string[]; points: Array<{ id: string; outcome: string; lacking: number }> }>;

function album(dir: string, name: string, tracks: number): void {
  mkdirSync(join(dir, name), { recursive: true });
  for (let t = 0; t < tracks; t++) writeFileSync(join(dir, name, `${t}.flac`), randomBytes(20_000));
}

describe.each([
  ['snapshot', '--snapshot', (): string => join(root, 'ret-snaps')],
  ['local mirror', '--mirror', (): string => join(root, 'ret-mirror')],
  ['WebDAV mirror', '--mirror', (): string => 'dav:retention'],
] as const)('retention on a %s', (kind, flag, target) => {
  it('keeps the newest points the policy names; each restores exactly; nothing older is left behind', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    album(src, 'A', 6);
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);
    expect((await cli(['job', 'add', 'R', '--source', src, flag, target(), '--keep-last', '2', '--keep-daily', '0', '--keep-weekly', '0', '--keep-monthly', '0'])).exitCode).toBe(0);
    const truths = new Map<string, string[]>();
    for (let run = 0; run < 5; run++) {
      // Every run replaces two tracks, deletes one and adds one: every point differs.
      writeFileSync(join(src, 'A', `${run % 6}.flac`), randomBytes(20_000));
      writeFileSync(join(src, 'A', `${(run + 1) % 6}.flac`), randomBytes(21_000));
      rmSync(join(src, 'A', `${(run + 2) % 6}.flac`), { force: true });
      writeFileSync(join(src, 'A', `new-${run}.flac`), randomBytes(9_000));
      const truth = describeTree(src);
      const before = new Set((JSON.parse((await cli(['snapshots', 'R', '--json'])).stdout) as Points)[0]!.points.map((p) => p.id));
      const r = await cli(['run', 'R']);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      const made = (JSON.parse((await cli(['snapshots', 'R', '--json'])).stdout) as Points)[0]!.points.find((p) => !before.has(p.id))!;
      truths.set(made.id, truth);
    }
    const kept = (JSON.parse((await cli(['snapshots', 'R', '--json'])).stdout) as Points)[0]!.points.map((p) => p.id).reverse();
    expect(kept, retentionLog(data)).toEqual([...truths.keys()].slice(-2));
    for (const id of kept) {
      const to = tempDir();
      const r = await cli(['restore', 'R', '--path', 'music', '--at', id, '--to', to]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(treeDiff(truths.get(id)!, describeTree(join(to, 'music'))), id).toEqual([]);
    }
    const folder = target().startsWith('dav:') ? join(root, 'dav', 'retention') : target();
    if (kind === 'snapshot') expect(readdirSync(folder).filter((n) => /^\d{4}-/.test(n)).sort()).toEqual(kept);
    else expect(existsSync(join(folder, 'versions')) ? readdirSync(join(folder, 'versions')).filter((l) => l <= kept[0]!) : []).toEqual([]);
    // A record a kept point still builds on stays, marked dropped; no other record is left.
    const records = readdirSync(join(folder, 'records'));
    for (const n of records.filter((r) => r.endsWith('.json'))) {
      const id = n.slice(0, -'.json'.length);
      expect(kept.includes(id) || records.includes(`${id}.dropped`), n).toBe(true);
    }
    // The picker's index goes with its point: only the kept points have one.
    expect(records.filter((r) => r.endsWith('.index.json.gz')).sort()).toEqual(kept.map((id) => `${id}.index.json.gz`));
  }, 180_000);
});

describe('the deletion guard', () => {
  it('refuses to drain a mirror from an almost empty source, run after run, comparing with the last complete point', async () => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    for (let i = 0; i < 10; i++) album(src, `Album ${i}`, 5);
    const mirror = join(root, 'guard-mirror');
    const cli = (args: string[]) => reprise(data, args);
    expect((await cli(['job', 'add', 'G', '--source', src, '--mirror', mirror])).exitCode).toBe(0);
    expect((await cli(['run', 'G'])).exitCode).toBe(0);
    const truth = describeTree(src);
    // The disk is unmounted but a stray file stays behind in the mount point.
    rmSync(src, { recursive: true });
    mkdirSync(src);
    writeFileSync(join(src, '.directory'), '[Desktop Entry]\n');
    for (let attempt = 0; attempt < 4; attempt++) {
      const r = await cli(['run', 'G']);
      expect(r.exitCode, `attempt ${attempt}`).toBe(1);
      expect(r.stdout + r.stderr).toMatch(/would delete 50 of the 50 files/);
    }
    expect(readdirSync(join(mirror, 'current', 'music')).length).toBe(10);
    const points = (JSON.parse((await cli(['snapshots', 'G', '--json'])).stdout) as Points)[0]!.points;
    expect(points).toHaveLength(1);
    const to = tempDir();
    expect((await cli(['restore', 'G', '--path', 'music', '--to', to])).exitCode).toBe(0);
    expect(treeDiff(truth, describeTree(join(to, 'music')))).toEqual([]);
    // An empty source is refused too.
    rmSync(join(src, '.directory'));
    expect((await cli(['run', 'G'])).stdout).toMatch(/hold no files/);
  });
});

describe('unreadable files (Reprise running as an ordinary user)', () => {
  it.each([
    ['snapshot', 'one-thread', '--snapshot', ''],
    ['local mirror', 'one-thread', '--mirror', ''],
    // The same with the walk's thread listing and stating (tree-walk.ts hands over large walks).
    ['snapshot', 'walk-thread', '--snapshot', '0'],
    ['local mirror', 'walk-thread', '--mirror', '0'],
  ] as const)('a %s run (%s walk) is a partial point naming what it lacks; retention keeps the newest copy of those files', async (_kind, _walk, flag, threadAfter) => {
    const base = tempDir();
    chmodSync(base, 0o755);
    const data = join(base, 'data');
    const src = join(base, 'music');
    const dest = join(base, 'dest');
    album(src, 'Open', 3);
    album(src, 'Locked', 2);
    mkdirSync(data);
    mkdirSync(dest);
    for (const p of [base, data, dest, src, join(src, 'Open'), join(src, 'Locked')]) chmodSync(p, 0o777);
    for (const f of readdirSync(join(src, 'Open'))) chmodSync(join(src, 'Open', f), 0o644);
    for (const f of readdirSync(join(src, 'Locked'))) chmodSync(join(src, 'Locked', f), 0o644);
    const cli = (args: string[]) => repriseAs('nobody', data, args, threadAfter === '' ? {} : { [WALK_THREAD_ENV]: threadAfter });
    const add = await cli(['job', 'add', 'P', '--source', src, flag, dest, '--keep-daily', '1']);
    expect(add.exitCode, add.stderr).toBe(0);
    expect((await cli(['run', 'P'])).exitCode).toBe(0);
    // One file changes and becomes unreadable, one folder becomes unreadable, another file changes.
    writeFileSync(join(src, 'Open', '0.flac'), randomBytes(20_000));
    chmodSync(join(src, 'Open', '0.flac'), 0o000);
    chmodSync(join(src, 'Locked'), 0o000);
    writeFileSync(join(src, 'Open', '1.flac'), randomBytes(20_000));
    const partial = await cli(['run', 'P']);
    expect(partial.exitCode, partial.stdout + partial.stderr).toBe(3);
    expect(partial.stdout).toMatch(/could not be backed up/);
    // What changed is what the point holds: the file it could not read is named as failed, not as
    // changed, and the files of the folder it could not read are not "deleted".
    const changes = JSON.parse((await cli(['changes', 'P', '--json'])).stdout) as { destinations: Array<{ entries: Array<{ action: string; path: string }> }>; failures: Array<{ path: string }> };
    expect(changes.destinations[0]!.entries.map((e) => `${e.action} ${e.path}`)).toEqual(['changed music/Open/1.flac']);
    expect(changes.failures.map((f) => f.path)).toEqual(expect.arrayContaining(['music/Open/0.flac', 'music/Locked']));
    const points = (JSON.parse((await cli(['snapshots', 'P', '--json'])).stdout) as Points)[0]!.points;
    // Daily retention alone would keep one point today; the partial newest and the complete one
    // holding the newest copy of what it lacks both stay.
    expect(points.map((p) => [p.outcome, p.lacking])).toEqual([
      ['partial', 2],
      ['ok', 0],
    ]);
    const to = join(base, 'restored');
    const r = await cli(['restore', 'P', '--path', 'music', '--to', to]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('incomplete');
    expect(r.stdout).toContain('music/Open/0.flac: not readable (permission denied)');
    expect(r.stdout).toContain('music/Locked: folder not readable (permission denied)');
    chmodSync(join(src, 'Locked'), 0o777);
    chmodSync(join(src, 'Open', '0.flac'), 0o644);
  });
});

describe('a live SQLite database', () => {
  it.each([
    ['snapshot', '--snapshot'],
    ['local mirror', '--mirror'],
    ['copy', '--copy'],
  ] as const)('is copied consistently to a %s while it is being written', async (kind, flag) => {
    const data = tempDir();
    const src = join(tempDir(), 'music');
    mkdirSync(join(src, '.library'), { recursive: true });
    album(src, 'A', 2);
    const dbPath = join(src, '.library', 'library.db');
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE tracks (id INTEGER PRIMARY KEY, title TEXT, blob BLOB)');
    db.close();
    // A music manager writing its library all the time.
    const writer: ChildProcess = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(createRequire(import.meta.url).resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(dbPath)});
      db.pragma('journal_mode = WAL');
      const ins = db.prepare('INSERT INTO tracks (title, blob) VALUES (?, randomblob(4000))');
      let n = 0;
      setInterval(() => { db.transaction(() => { for (let i = 0; i < 50; i++) ins.run('t' + n++); })(); process.stdout.write('.'); }, 5);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Busy once it has written a few transactions: its stdout says so, no need to look again and again.
    const busy = new Promise<void>((resolve, reject) => {
      let ticks = 0;
      writer.stdout!.on('data', (d: Buffer) => (ticks += d.length) > 5 && resolve());
      writer.once('exit', (code) => reject(new Error(`the writer exited (${code}) before it was busy`)));
    });
    try {
      await busy;
      const dest = join(tempDir(), 'dest');
      const cli = (args: string[]) => reprise(data, args);
      expect((await cli(['job', 'add', 'D', '--source', src, flag, dest])).exitCode).toBe(0);
      const run = await cli(['run', 'D']);
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
      let copy: string;
      if (kind === 'copy') copy = join(dest, 'music', '.library', 'library.db');
      else {
        const to = tempDir();
        const r = await cli(['restore', 'D', '--path', 'music/.library', '--to', to]);
        expect(r.exitCode, r.stdout).toBe(0);
        expect(readdirSync(join(to, '.library'))).toEqual(['library.db']);
        copy = join(to, '.library', 'library.db');
      }
      const check = new Database(copy, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((check.prepare('SELECT COUNT(*) AS n FROM tracks').get() as { n: number }).n).toBeGreaterThan(0);
      check.close();
    } finally {
      writer.kill();
    }
  }, 120_000);
});

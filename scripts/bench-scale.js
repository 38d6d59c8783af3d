#!/usr/bin/env node
// `npm run bench`: Reprise on a large library against the raw tools on the same tree, in one run.
// Mirror (local target) against raw `rclone sync`, snapshot against raw `rsync -a --link-dest`, for a
// first run, a no-change run and a run after 1 % of the files changed; the core's peak RSS per phase;
// then how long Restore takes to list the newest point's artists (restore:browse, from the record),
// and a restore of the whole library from the newest point, verified, against the raw tool copying it out.
// Prints ratios; nothing here is a test. Each kind runs in a process of its own (peak RSS per kind).
//   node scripts/bench-scale.js [--files 300000] [--size 1024] [--kinds mirror,snapshot] [--dir /dev/shm]
//                              [--s3-files 3000] [--keep]
// --kinds may include s3: a mirror on s3rver behind a proxy that counts requests, against a naive
// `rclone sync --fast-list` of the same tree (s3rver is slow, so this library is small: --s3-files).
// Snapshots are also set against restic (when installed): its first, no-change and 1 %-changed
// backups into a repository beside the targets (`restic backup`, the command a restic user runs).
// The library: albums of 12 small files (11 tracks and a cover), 25 albums an artist. Needs `out/`.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '300000' },
    size: { type: 'string', default: '1024' },
    kinds: { type: 'string', default: 'mirror,snapshot' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'string' },
    'no-raw': { type: 'boolean', default: false },
    's3-files': { type: 'string', default: '3000' },
    // Internal: writes the library into this folder and exits (see below).
    generate: { type: 'string' },
  },
});
const files = Number(values.files);
const size = Number(values.size);
const kinds = values.kinds.split(',');

const PER_ALBUM = 12;
/** The i-th file of the library under `src`: albums of 12 (11 tracks and a cover), 25 albums an artist. */
function albumPath(src, i) {
  const album = Math.floor(i / PER_ALBUM);
  const dir = join(src, `Artist ${String(Math.floor(album / 25)).padStart(5, '0')}`, `Album ${String(album % 25).padStart(2, '0')}`);
  const t = i % PER_ALBUM;
  return { dir, file: join(dir, t === PER_ALBUM - 1 ? 'cover.jpg' : `${String(t + 1).padStart(2, '0')} Track.flac`) };
}
if (values.generate) {
  const blob = Buffer.alloc(size, 7);
  for (let i = 0; i < files; i++) {
    const { dir, file } = albumPath(values.generate, i);
    if (i % PER_ALBUM === 0) mkdirSync(dir, { recursive: true });
    blob.writeUInt32LE(i, 0);
    writeFileSync(file, blob);
  }
  process.exit(0);
}

// Each kind in a process of its own: a process that ran a mirror keeps its RSS high-water mark
// (V8 and malloc do not hand every page back), which a snapshot's peak would then include.
if (kinds.length > 1) {
  const rows = [];
  for (const kind of kinds) {
    const json = join(tmpdir(), `reprise-bench-${process.pid}-${kind}.json`);
    const args = process.argv.slice(2).filter((a, i, all) => a !== '--kinds' && all[i - 1] !== '--kinds' && !a.startsWith('--kinds=') && a !== '--json' && all[i - 1] !== '--json' && !a.startsWith('--json='));
    const r = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...args, '--kinds', kind, '--json', json], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    rows.push(...JSON.parse(readFileSync(json, 'utf8')).rows);
    rmSync(json, { force: true });
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ files, size, rows }, null, 2));
  process.exit(0);
}
const { createCore } = await import(new URL('../out/electron/core/core.js', import.meta.url).href);

const base = values.dir ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const root = mkdtempSync(join(base, 'reprise-scale-'));
const src = join(root, 'Music');
const say = (s) => process.stdout.write(`${s}\n`);

say(`Generating ${files} files of ${size} B in ${src}…`);
// In a child: what writing 300k files leaves in this process's heap would count in the peaks below.
if (spawnSync(process.execPath, [process.argv[1], '--generate', src, '--files', String(files), '--size', String(size)], { stdio: 'inherit' }).status !== 0) throw new Error('could not generate the library');
const blob = Buffer.alloc(size, 7);
const pathOf = (i) => albumPath(src, i);
/** Changes 1 % of the files (spread over the library): new bytes, same size, a later mtime. */
let round = 0;
function changeOnePercent() {
  round++;
  const later = Date.now() / 1000 + round * 60;
  for (let i = round; i < files; i += 100) {
    const { file } = pathOf(i);
    blob.writeUInt32LE(i, 0);
    blob.writeUInt32LE(0xbeef0000 + round, 4);
    writeFileSync(file, blob);
    utimesSync(file, later, later);
  }
}

const secs = (t) => Number(process.hrtime.bigint() - t) / 1e9;
/**
 * Writes out what the previous run left dirty in the page cache, untimed: on a disk, a run would
 * otherwise pay for the write-back of the one before it (measured at a million files: a first mirror
 * run right after the raw rclone's took 262 s against its 114 s).
 */
const settle = () => spawnSync('sync', { stdio: 'ignore' });
function raw(cmd, args, env = process.env) {
  if (values['no-raw']) return NaN;
  settle();
  const t = process.hrtime.bigint();
  const log = openSync(join(root, `${cmd}.log`), 'w');
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', log], env });
  closeSync(log);
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
  return secs(t);
}

let peakRss = 0;
// rss() alone: memoryUsage() also gathers heap statistics, a cost the raw tools (run synchronously) never pay.
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
const sampler = setInterval(sample, 20);
/**
 * The file-backed part of RSS now (the program's own code and data pages: clean, shared with other
 * node processes, reclaimable), read at a phase's end; it rarely shrinks, so it is that phase's.
 */
const rssFile = () => Number(/^RssFile:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) * 1024;
const mb = (b) => `${(b / 1e6).toFixed(0)} MB`;

/** s3rver behind a counting proxy, and an rclone config naming it `s3`. */
async function s3Setup() {
  const { default: S3rver } = await import('s3rver');
  const http = await import('node:http');
  mkdirSync(join(root, 's3'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(root, 's3'), configureBuckets: [{ name: 'bench', configs: [] }] });
  const { port } = await server.run();
  const counter = { n: 0 };
  const proxy = http.createServer((req, res) => {
    counter.n++;
    const up = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const config = join(root, 'rclone.conf');
  writeFileSync(config, `[s3]\ntype = s3\nprovider = Other\nendpoint = http://127.0.0.1:${proxy.address().port}\naccess_key_id = S3RVER\nsecret_access_key = S3RVER\nforce_path_style = true\n`);
  return { config, counter, close: async () => (proxy.close(), await server.close()) };
}
// rclone must not be handed a CA bundle meant for real S3 when it talks plain http to s3rver.
delete process.env.AWS_CA_BUNDLE;
const s3 = kinds.includes('s3') ? await s3Setup() : null;
const core = createCore({ dataDir: join(root, 'data'), host: 'cli', ...(s3 ? { rcloneConfig: s3.config } : {}) });
async function runJob(name) {
  settle();
  global.gc?.();
  peakRss = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const { runId } = core.runs.start(core.jobs.get(name), 'cli', false);
  const run = await core.runs.wait(runId);
  if (run.outcome !== 'success') throw new Error(`${name}: run ${run.outcome}: ${run.firstError}`);
  sample();
  return { s: secs(t), rss: peakRss, rssFile: rssFile() };
}

/** Restore's first screen: the artists of the newest point, read from its record (restore:browse). */
async function browse(kind) {
  global.gc?.();
  peakRss = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const r = await core.handlers['restore:browse']({ name: kind, at: 'latest' });
  const s = secs(t);
  sample();
  if (!r.ok) throw new Error(`${kind}: restore:browse: ${r.error.message}`);
  const artists = r.value.sources.reduce((n, x) => n + x.artists.length, 0);
  const file = rssFile();
  rows.push({ kind, phase: 'browse', reprise: s, artists, rss: peakRss, rssFile: file });
  say(`${kind.padEnd(8)} browse     first artist list ${s.toFixed(2).padStart(7)} s  (${artists} artists)  peak RSS ${mb(peakRss)} (file-backed ${mb(file)})`);
}

/**
 * The whole library restored from the newest point — planned against the target, copied, given its
 * times and modes, and every file checked against the record — against the raw tool copying the
 * same tree out of the backup (what a user would type to get it back by hand).
 */
async function restoreAll(kind, rawLabel, rawCmd, rawArgs) {
  const to = join(root, `${kind}-restored`);
  const rawTo = join(root, `${kind}-restored-raw`);
  const rawS = raw(rawCmd, rawArgs(rawTo));
  settle();
  global.gc?.();
  peakRss = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const r = await core.handlers['restore:run']({ name: kind, path: 'Music', at: 'latest', to, policy: 'skip', dryRun: false });
  const s = secs(t);
  sample();
  if (!r.ok) throw new Error(`${kind}: restore: ${r.error.message}`);
  if (r.value.verified !== true || r.value.checked < files) throw new Error(`${kind}: restore not verified: ${r.value.checked} checked, ${[...r.value.mismatches, ...r.value.missing].slice(0, 3).join('; ')}`);
  row(kind, 'restore', { s, rss: peakRss, rssFile: rssFile() }, rawS, rawLabel);
  rmSync(to, { recursive: true, force: true });
  rmSync(rawTo, { recursive: true, force: true });
}

const rows = [];
const row = (kind, phase, rep, rawS, rawLabel) => {
  rows.push({ kind, phase, reprise: rep.s, raw: rawS, ratio: rep.s / rawS, rss: rep.rss, rssFile: rep.rssFile });
  say(`${kind.padEnd(8)} ${phase.padEnd(10)} reprise ${rep.s.toFixed(2).padStart(7)} s  ${rawLabel} ${rawS.toFixed(2).padStart(7)} s  ratio ${(rep.s / rawS).toFixed(2)}  peak RSS ${mb(rep.rss)} (file-backed ${mb(rep.rssFile)})`);
};

/** The same snapshot run set against restic's backup of the same tree. */
const resticRow = (phase, rep, resticS) => {
  if (Number.isNaN(resticS)) return;
  rows.push({ kind: 'snapshot', phase, against: 'restic', reprise: rep.s, raw: resticS, ratio: rep.s / resticS, rss: rep.rss });
  say(`${'snapshot'.padEnd(8)} ${phase.padEnd(10)} reprise ${rep.s.toFixed(2).padStart(7)} s  restic backup ${resticS.toFixed(2).padStart(7)} s  ratio ${(rep.s / resticS).toFixed(2)}`);
};

const rcloneLog = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE'];
for (const kind of kinds) {
  if (kind === 's3') continue;
  const target = join(root, `${kind}-reprise`);
  const rawTarget = join(root, `${kind}-raw`);
  const added = await core.handlers['jobs:add']({ name: kind, sources: [src], destinations: [{ kind, target }], excludes: [], schedule: null, bwlimit: null, retention: null });
  if (!added.ok) throw new Error(added.error.message);
  if (kind === 'mirror') {
    // The raw side: what a user would run by hand for a versioned mirror.
    const rawRun = (n) => raw('rclone', [...rcloneLog, 'sync', '--backup-dir', join(rawTarget, 'versions', String(n)), '--', src, join(rawTarget, 'current', 'Music')]);
    const a = rawRun(0);
    row(kind, 'first', await runJob(kind), a, 'rclone sync');
    const b = rawRun(1);
    row(kind, 'no-change', await runJob(kind), b, 'rclone sync');
    changeOnePercent();
    const c = rawRun(2);
    row(kind, '1% changed', await runJob(kind), c, 'rclone sync');
    await browse(kind);
    // The raw copies go before the restores, whose two trees need the room (and the inodes, on tmpfs).
    rmSync(rawTarget, { recursive: true, force: true });
    await restoreAll(kind, 'rclone copy', 'rclone', (to) => [...rcloneLog, 'copy', '--', join(target, 'current', 'Music'), to]);
  } else {
    let n = 0;
    const rawRun = () => {
      const prev = n > 0 ? [`--link-dest=${join(rawTarget, String(n - 1))}`] : [];
      return raw('rsync', ['-aHAXS', ...prev, `${src}/`, `${join(rawTarget, String(n++))}/`]);
    };
    mkdirSync(rawTarget, { recursive: true });
    // restic, where installed: a repository on the same disk, its cache beside it.
    const hasRestic = !values['no-raw'] && spawnSync('restic', ['version'], { stdio: 'ignore' }).status === 0;
    const resticEnv = { ...process.env, RESTIC_PASSWORD: 'bench', RESTIC_REPOSITORY: join(root, 'restic-repo'), RESTIC_CACHE_DIR: join(root, 'restic-cache') };
    if (hasRestic) raw('restic', ['init'], resticEnv);
    else if (!values['no-raw']) say('restic is not installed: no restic column (apt-get install restic)');
    const restic = () => (hasRestic ? raw('restic', ['backup', '--quiet', src], resticEnv) : NaN);
    const a = rawRun();
    const ra = restic();
    const first = await runJob(kind);
    row(kind, 'first', first, a, 'rsync     ');
    resticRow('first', first, ra);
    const b = rawRun();
    const rb = restic();
    const same = await runJob(kind);
    row(kind, 'no-change', same, b, 'rsync --link-dest');
    resticRow('no-change', same, rb);
    changeOnePercent();
    const c = rawRun();
    const rc = restic();
    const changed = await runJob(kind);
    row(kind, '1% changed', changed, c, 'rsync --link-dest');
    resticRow('1% changed', changed, rc);
    await browse(kind);
    rmSync(rawTarget, { recursive: true, force: true });
    await restoreAll(kind, 'rsync -aHAXS', 'rsync', (to) => ['-aHAXS', `${join(target, 'latest', 'Music')}/`, `${to}/`]);
  }
  rmSync(rawTarget, { recursive: true, force: true });
}
if (s3) {
  // A small library of its own: s3rver stores every object as files of its own.
  const s3src = join(root, 's3-src', 'Music');
  const s3files = Number(values['s3-files']);
  for (let i = 0; i < s3files; i++) {
    const dir = join(s3src, `Artist ${Math.floor(i / 120)}`, `Album ${Math.floor(i / 12) % 10}`);
    if (i % 12 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${i % 12} Track.flac`), blob.subarray(0, 256 + (i % 64)));
  }
  const changeS3 = (r) => {
    for (let i = r; i < s3files; i += 100) writeFileSync(join(s3src, `Artist ${Math.floor(i / 120)}`, `Album ${Math.floor(i / 12) % 10}`, `${i % 12} Track.flac`), Buffer.alloc(200 + r, r));
  };
  const counted = async (fn) => {
    const before = s3.counter.n;
    await fn();
    return s3.counter.n - before;
  };
  // Not spawnSync: s3rver and the proxy answer from this process's event loop.
  const { execFile } = await import('node:child_process');
  const naive = (n) =>
    new Promise((resolve, reject) => execFile('rclone', ['--config', s3.config, 'sync', '--fast-list', s3src, 's3:bench/naive/current', '--backup-dir', `s3:bench/naive/versions/${n}`], (e) => (e ? reject(e) : resolve())));
  const added = await core.handlers['jobs:add']({ name: 's3', sources: [s3src], destinations: [{ kind: 'mirror', target: 's3:bench/reprise' }], excludes: [], schedule: null, bwlimit: null, retention: null });
  if (!added.ok) throw new Error(added.error.message);
  const naiveFirst = await counted(() => naive(0));
  const repFirst = await counted(() => runJob('s3'));
  const naiveSame = await counted(() => naive(1));
  const repSame = await counted(() => runJob('s3'));
  changeS3(1);
  const naiveChange = await counted(() => naive(2));
  const repChange = await counted(() => runJob('s3'));
  const line = (phase, rep, nv) => {
    rows.push({ kind: 's3', phase, repriseRequests: rep, naiveRequests: nv, ratio: rep / nv });
    say(`s3       ${phase.padEnd(10)} reprise ${String(rep).padStart(7)} requests  naive rclone sync ${String(nv).padStart(7)} requests  ratio ${(rep / nv).toFixed(3)}`);
  };
  say(`S3 (s3rver behind a counting proxy), ${s3files} files:`);
  line('first', repFirst, naiveFirst);
  line('no-change', repSame, naiveSame);
  line('1% changed', repChange, naiveChange);
  await s3.close();
}
clearInterval(sampler);
await core.close();
if (values.json) writeFileSync(values.json, JSON.stringify({ files, size, rows }, null, 2));
if (!values.keep) rmSync(root, { recursive: true, force: true });
else say(`kept ${root}`);

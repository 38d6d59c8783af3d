#!/usr/bin/env node
// `npm run bench`: Reprise on a large library against the raw tools on the same tree, in one run.
// Mirror (local target) against raw `rclone sync`, snapshot against raw `rsync -a --link-dest`, for a
// first run, a no-change run and a run after 1 % of the files changed; the core's peak RSS per phase.
// Prints ratios; nothing here is a test.
//   node scripts/bench-scale.js [--files 300000] [--size 1024] [--kinds mirror,snapshot] [--dir /dev/shm]
//                              [--only first,nochange,change] [--keep]
// The library: albums of 12 small files (11 tracks and a cover), 25 albums an artist. Needs `out/`.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
  },
});
const files = Number(values.files);
const size = Number(values.size);
const kinds = values.kinds.split(',');
const { createCore } = await import(new URL('../out/electron/core/core.js', import.meta.url).href);

const base = values.dir ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const root = mkdtempSync(join(base, 'reprise-scale-'));
const src = join(root, 'Music');
const say = (s) => process.stdout.write(`${s}\n`);

say(`Generating ${files} files of ${size} B in ${src}…`);
const blob = Buffer.alloc(size, 7);
const PER_ALBUM = 12;
const pathOf = (i) => {
  const album = Math.floor(i / PER_ALBUM);
  const dir = join(src, `Artist ${String(Math.floor(album / 25)).padStart(5, '0')}`, `Album ${String(album % 25).padStart(2, '0')}`);
  const t = i % PER_ALBUM;
  return { dir, file: join(dir, t === PER_ALBUM - 1 ? 'cover.jpg' : `${String(t + 1).padStart(2, '0')} Track.flac`) };
};
for (let i = 0; i < files; i++) {
  const { dir, file } = pathOf(i);
  if (i % PER_ALBUM === 0) mkdirSync(dir, { recursive: true });
  blob.writeUInt32LE(i, 0);
  writeFileSync(file, blob);
}

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
function raw(cmd, args) {
  if (values['no-raw']) return NaN;
  const t = process.hrtime.bigint();
  const log = openSync(join(root, `${cmd}.log`), 'w');
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
  return secs(t);
}

let peakRss = 0;
const sample = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const sampler = setInterval(sample, 20);

const core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
async function runJob(name) {
  global.gc?.();
  peakRss = process.memoryUsage().rss;
  const t = process.hrtime.bigint();
  const { runId } = core.runs.start(core.jobs.get(name), 'cli', false);
  const run = await core.runs.wait(runId);
  if (run.outcome !== 'success') throw new Error(`${name}: run ${run.outcome}: ${run.firstError}`);
  sample();
  return { s: secs(t), rss: peakRss };
}

const rows = [];
const row = (kind, phase, rep, rawS, rawLabel) => {
  rows.push({ kind, phase, reprise: rep.s, raw: rawS, ratio: rep.s / rawS, rss: rep.rss });
  say(`${kind.padEnd(8)} ${phase.padEnd(10)} reprise ${rep.s.toFixed(2).padStart(7)} s  ${rawLabel} ${rawS.toFixed(2).padStart(7)} s  ratio ${(rep.s / rawS).toFixed(2)}  peak RSS ${(rep.rss / 1e6).toFixed(0)} MB`);
};

const rcloneLog = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE'];
for (const kind of kinds) {
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
  } else {
    let n = 0;
    const rawRun = () => {
      const prev = n > 0 ? [`--link-dest=${join(rawTarget, String(n - 1))}`] : [];
      return raw('rsync', ['-aHAXS', ...prev, `${src}/`, `${join(rawTarget, String(n++))}/`]);
    };
    mkdirSync(rawTarget, { recursive: true });
    const a = rawRun();
    row(kind, 'first', await runJob(kind), a, 'rsync     ');
    const b = rawRun();
    row(kind, 'no-change', await runJob(kind), b, 'rsync --link-dest');
    changeOnePercent();
    const c = rawRun();
    row(kind, '1% changed', await runJob(kind), c, 'rsync --link-dest');
  }
  rmSync(rawTarget, { recursive: true, force: true });
}
clearInterval(sampler);
await core.close();
if (values.json) writeFileSync(values.json, JSON.stringify({ files, size, rows }, null, 2));
if (!values.keep) rmSync(root, { recursive: true, force: true });
else say(`kept ${root}`);

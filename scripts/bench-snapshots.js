#!/usr/bin/env node
// Benchmark: a no-change snapshot run over a generated library (default 100k files) against raw
// `rsync -a --link-dest`, which builds a new hard-link tree every time. Needs the build (`out/`).
//   node scripts/bench-snapshots.js [--files 100000] [--file-size 2048] [--rounds 3] [--keep DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const files = Number(arg('files', '100000'));
const fileSize = Number(arg('file-size', '2048'));
const rounds = Number(arg('rounds', '3'));
const out = new URL('../out/electron/core/', import.meta.url);
const { createCore } = await import(new URL('core.js', out).href);
const { measureDestination } = await import(new URL('destinations/snapshot/disk-usage.js', out).href);

const work = arg('keep', undefined) ?? mkdtempSync(join(tmpdir(), 'reprise-bench-'));
const music = join(work, 'music');
const dest = join(work, 'dest');
const raw = join(work, 'raw');
mkdirSync(dest, { recursive: true });
mkdirSync(raw, { recursive: true });

// Artist/Album/NN Track.flac, 10 tracks an album, 10 albums an artist.
process.stdout.write(`generating ${files} files of ${fileSize} B in ${music} …\n`);
const content = Buffer.alloc(fileSize, 7);
for (let i = 0; i < files; i++) {
  const album = Math.floor(i / 10);
  const dir = join(music, `Artist ${Math.floor(album / 10)}`, `Album ${album}`);
  if (i % 10 === 0) mkdirSync(dir, { recursive: true });
  content.writeUInt32LE(i, 0);
  writeFileSync(join(dir, `${String(i % 10).padStart(2, '0')} Track.flac`), content);
}

const core = createCore({ dataDir: join(work, 'data'), host: 'cli' });
const added = await core.handlers['jobs:add']({ name: 'Bench', sources: [music], destinations: [{ kind: 'snapshot', target: dest }], excludes: [], schedule: null, bwlimit: null, retention: null });
if (!added.ok) throw new Error(added.error.message);
/** One run of the job through the core, as the app and `reprise run` do it. */
async function runJob() {
  const { runId } = core.runs.start(core.jobs.get('Bench'), 'cli', false);
  const run = await core.runs.wait(runId);
  if (run.outcome !== 'success') throw new Error(`run ${run.outcome}: ${run.firstError}`);
  return run;
}
let t = performance.now();
await runJob();
const firstId = (await measureDestination(dest)).snapshots[0].id;
process.stdout.write(`first snapshot: ${((performance.now() - t) / 1000).toFixed(2)} s\n`);

const time = async (fn) => {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
};
const rawTimes = [];
const repriseTimes = [];
for (let r = 0; r < rounds; r++) {
  const target = join(raw, `r${r}`);
  rawTimes.push(await time(() => execFileSync('rsync', ['-a', `--link-dest=${join(dest, firstId)}`, `${music}`, `${target}/`])));
  repriseTimes.push(await time(() => runJob()));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
process.stdout.write(`raw rsync --link-dest (new hard-link tree): ${rawTimes.map((x) => x.toFixed(2)).join(' ')} s, median ${median(rawTimes).toFixed(2)} s\n`);
process.stdout.write(`reprise no-change run (confirmation):     ${repriseTimes.map((x) => x.toFixed(2)).join(' ')} s, median ${median(repriseTimes).toFixed(2)} s\n`);

// And what a second snapshot costs when one file changed: a new tree of hard links.
writeFileSync(join(music, 'Artist 0', 'Album 0', '00 Track.flac'), Buffer.alloc(fileSize, 9));
t = performance.now();
await runJob();
process.stdout.write(`second snapshot, one file changed: ${((performance.now() - t) / 1000).toFixed(2)} s\n`);
if ((await measureDestination(dest)).snapshots.length !== 2) throw new Error('expected a second snapshot');
await core.close();
const usage = await measureDestination(dest);
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
process.stdout.write(`destination: apparent ${mb(usage.apparentBytes)}, real ${mb(usage.realBytes)}; second snapshot new data ${mb(usage.snapshots.at(-1).newBytes)}\n`);
if (!arg('keep', undefined)) rmSync(work, { recursive: true, force: true });

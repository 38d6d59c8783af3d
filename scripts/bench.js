#!/usr/bin/env node
// `npm run bench`: Reprise's overhead over raw rclone for the same copy, measured in one run.
// Prints wall-time ratios (target ≤ 1.02) and the core's peak RSS (target ≤ 200 MB).
// Options: --files N (default 20000) --size BYTES (default 4096) --rounds N (default 5)
// --dir DIR (default /dev/shm where it exists: disk write-back makes identical raw runs differ by
// 20–50 % on our machines, which hides a 2 % difference). Raw rclone writes its log to a file, as
// Reprise does, so both sides pay for the same log lines.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { files: { type: 'string', default: '20000' }, size: { type: 'string', default: '4096' }, rounds: { type: 'string', default: '5' }, dir: { type: 'string' } } });
const files = Number(values.files);
const size = Number(values.size);
const rounds = Number(values.rounds);
const { createCore } = await import(new URL('../out/electron/core/core.js', import.meta.url).href);

const base = values.dir ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const root = mkdtempSync(join(base, 'reprise-bench-'));
const src = join(root, 'Music');
process.stdout.write(`Generating ${files} files of ${size} bytes in ${src}…\n`);
const blob = Buffer.alloc(size, 7);
for (let i = 0; i < files; i++) {
  const dir = join(src, `Artist ${i % 200}`, `Album ${Math.floor(i / 200) % 50}`);
  mkdirSync(dir, { recursive: true });
  blob.writeUInt32LE(i, 0);
  writeFileSync(join(dir, `${String(i).padStart(6, '0')} Track.flac`), blob);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rcloneFlags = ['--use-json-log', '--stats', '1s', '--stats-log-level', 'NOTICE', '-v'];

function rawCopy(dest) {
  const t = process.hrtime.bigint();
  const log = openSync(`${dest}.log`, 'w');
  const r = spawnSync('rclone', [...rcloneFlags, 'copy', '--', src, join(dest, 'Music')], { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  if (r.status !== 0) throw new Error(`rclone exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function repriseCopy(core, name) {
  const t = process.hrtime.bigint();
  const { runId } = core.runs.start(core.jobs.get(name), 'cli', false);
  const run = await core.runs.wait(runId);
  if (run.outcome !== 'success') throw new Error(`run ${run.outcome}: ${run.firstError}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const core = createCore({ dataDir: join(root, 'data'), host: 'cli' });
const result = { rawFull: [], repriseFull: [], rawNoChange: [], repriseNoChange: [] };
for (let r = 0; r < rounds; r++) {
  const rawDest = join(root, `raw-${r}`);
  const repDest = join(root, `rep-${r}`);
  await core.handlers['jobs:add']({ name: `bench-${r}`, sources: [src], destinations: [{ kind: 'copy', target: repDest }], excludes: [], schedule: null, bwlimit: null });
  // Alternate the order so caches favour neither side.
  if (r % 2 === 0) {
    result.rawFull.push(rawCopy(rawDest));
    result.repriseFull.push(await repriseCopy(core, `bench-${r}`));
  } else {
    result.repriseFull.push(await repriseCopy(core, `bench-${r}`));
    result.rawFull.push(rawCopy(rawDest));
  }
  result.rawNoChange.push(rawCopy(rawDest));
  result.repriseNoChange.push(await repriseCopy(core, `bench-${r}`));
}
clearInterval(sampler);
await core.close();
rmSync(root, { recursive: true, force: true });

const line = (label, raw, rep) => {
  const a = median(raw);
  const b = median(rep);
  process.stdout.write(`${label.padEnd(26)} raw rclone ${a.toFixed(2)} s   reprise ${b.toFixed(2)} s   ratio ${(b / a).toFixed(3)}\n`);
};
process.stdout.write(`\n${files} files × ${size} B in ${base}, median of ${rounds} rounds (raw rclone with the same flags, log to a file):\n`);
line('first copy', result.rawFull, result.repriseFull);
line('no-change copy', result.rawNoChange, result.repriseNoChange);
process.stdout.write(`core peak RSS during runs   ${(peakRss / 1e6).toFixed(0)} MB (target ≤ 200 MB)\n`);

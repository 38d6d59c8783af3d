// Mirror runs that cost what changed, against an S3 server behind a proxy that counts every request:
// after a full first run, a run where 1 % of the files changed makes at most a tenth of the requests
// a naive `rclone sync` of the same change makes; what someone changed on the remote behind Reprise's
// back is left alone by top-ups and put right by a full run (`reprise run --full`); and every
// restore point, top-up or full, restores the source exactly as it was.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { startS3, type TestServer } from '../../support/remote-servers.js';
import { type WebDavServer, startWebDav, writeWebDavConfig } from '../../support/servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';
import { describeTree, treeDiff } from '../../support/tree-truth.js';

/** Files of the library: enough on S3 for the request counts to mean something; on WebDAV, where only the runs' kinds and the restores are checked and each request is slow, fewer. */
const FILES_ON = { s3: 1500, dav: 500 } as const;
let FILES: number = FILES_ON.s3;
let s3: TestServer;
let proxy: Server;
let proxyPort = 0;
let requests = 0;
/** Every request, as "METHOD /bucket/key…". */
const seen: string[] = [];
let config: string;
let dav: WebDavServer;
// s3rver is plain http: rclone must not be handed a CA bundle meant for real S3.
const env: NodeJS.ProcessEnv = { AWS_CA_BUNDLE: '' };

beforeAll(async () => {
  s3 = await startS3(['music']);
  // Every request rclone makes passes here and is counted.
  proxy = createServer((req, res) => {
    requests++;
    seen.push(`${req.method} ${req.url}`);
    const up = request({ host: s3.host, port: s3.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
  const dir = tempDir();
  config = join(dir, 'rclone.conf');
  mkdirSync(join(dir, 'dav-root'));
  dav = await startWebDav(join(dir, 'dav-root'));
  const davConfig = await writeWebDavConfig(dir, 'dav', dav);
  const { readFileSync } = await import('node:fs');
  writeFileSync(config, `${readFileSync(davConfig, 'utf8')}\n[s3]\ntype = s3\nprovider = Other\nendpoint = http://127.0.0.1:${proxyPort}\naccess_key_id = ${s3.user}\nsecret_access_key = ${s3.pass}\nforce_path_style = true\n`, { mode: 0o600 });
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => proxy?.close(() => resolve()));
  await s3?.stop();
  await dav?.stop();
  cleanupTempDirs();
});

/** A library of FILES small tracks, 10 to an album. */
function library(src: string): void {
  for (let i = 0; i < FILES; i++) {
    const dir = join(src, `Artist ${Math.floor(i / 100)}`, `Album ${Math.floor(i / 10) % 10}`);
    if (i % 10 === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${i % 10} Track.flac`), randomBytes(200 + (i % 50)));
  }
}

/** Changes 1 % of the files: new content for most, a few deleted, one new album track. */
function changeOnePercent(src: string, round: number): void {
  const n = FILES / 100;
  for (let k = 0; k < n; k++) {
    const i = (k * 97 + round * 13) % FILES;
    const file = join(src, `Artist ${Math.floor(i / 100)}`, `Album ${Math.floor(i / 10) % 10}`, `${i % 10} Track.flac`);
    if (k % 5 === 4) rmSync(file, { force: true });
    else writeFileSync(file, randomBytes(300 + round));
  }
  writeFileSync(join(src, 'Artist 0', 'Album 0', `bonus ${round}.flac`), randomBytes(321));
}

async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; requests: number; seen: string[] }> {
  const before = requests;
  const from = seen.length;
  const value = await fn();
  return { value, requests: requests - before, seen: seen.slice(from) };
}

type Points = Array<{ target: string; points: Array<{ id: string; outcome: string }> }>;

// s3rver leaves out prefixes whose folder holds only folders (`lsf --dirs-only versions/` lists
// nothing), so older points cannot be found there; every point is restored from the WebDAV mirror, and
// the newest (held in current/ alone) from S3.
describe.each([
  ['S3', 's3', true],
  ['WebDAV', 'dav', false],
] as const)('a mirror on %s', (_name, remote, onS3) => {
  it('tops up with a tenth of the requests of a naive sync, repairs drift on a full run, and restores every point', async () => {
    FILES = FILES_ON[remote];
    const data = tempDir();
    const src = join(tempDir(), 'music');
    library(src);
    const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args], env);
    const rclone = (args: string[]) => execa('rclone', ['--config', config, ...args], { env, reject: false });
    expect((await cli(['job', 'add', 'M', '--source', src, '--mirror', `${remote}:music/reprise`])).exitCode).toBe(0);

    const truths = new Map<string, string[]>();
    const pointIds = async (): Promise<string[]> => (JSON.parse((await cli(['snapshots', 'M', '--json'])).stdout) as Points)[0]!.points.map((p) => p.id);
    const run = async (extra: string[] = []): Promise<{ requests: number; seen: string[]; log: string; stdout: string }> => {
      const truth = describeTree(src);
      const before = new Set(await pointIds());
      const r = await counted(() => cli(['run', 'M', ...extra]));
      expect(r.value.exitCode, r.value.stdout + r.value.stderr).toBe(0);
      const made = (await pointIds()).filter((id) => !before.has(id));
      for (const id of made) truths.set(id, truth);
      const logPath = /Log: (\S+)/.exec(r.value.stdout)?.[1];
      const { readFileSync } = await import('node:fs');
      return { requests: r.requests, seen: r.seen, log: logPath ? readFileSync(logPath, 'utf8') : '', stdout: r.value.stdout };
    };

    // The first run is a full one; so is the naive sync's first. The naive sync lists with --fast-list
    // as Reprise's full runs do on S3: a request per 1000 keys (and s3rver lists folders of folders wrongly without it).
    const first = await run();
    expect(first.log).toMatch(/# full run: this is the first run/);
    // The terminal says which kind of run each mirror made.
    expect(first.stdout).toMatch(/^✓ \S+: Succeeded — [^—]*? \(full check\)$/m);
    const naive = await rclone(['sync', '--fast-list', src, `${remote}:music/naive/current`, '--backup-dir', `${remote}:music/naive/versions/1`]);
    expect(naive.exitCode, naive.stderr).toBe(0);

    // Nothing changed: what a run costs whatever the library's size. On S3: list records/, list
    // versions/, fetch the record (two HEADs and a GET); the summaries are those this data folder
    // read or wrote before, kept by name and size, and retention plans from what the run read.
    // Asking whether a folder is a file or whether the bucket is there, reading the records twice, or
    // downloading a summary already known would each add requests here.
    const same = await run();
    expect(same.log).toMatch(/# top-up run|nothing changed/);
    if (onS3) process.stdout.write(`S3 requests for a run with nothing changed: ${same.requests}\n`);
    if (onS3) expect(same.requests, same.seen.join('\n')).toBeLessThanOrEqual(5);
    if (onS3) expect(same.seen.filter((r) => /^GET \/music\/reprise\/records\/[^/?]+\.json/.test(r))).toEqual([]);

    // 1 % changed: Reprise tops up from its record; the naive sync lists and compares everything.
    changeOnePercent(src, 1);
    const topUp = await run();
    expect(topUp.log).toMatch(/# top-up run: only what changed/);
    expect(topUp.stdout).toMatch(/^✓ \S+: Succeeded — [^—]*? \(top-up\)$/m);
    const naiveChange = await counted(() => rclone(['sync', '--fast-list', src, `${remote}:music/naive/current`, '--backup-dir', `${remote}:music/naive/versions/2`]));
    expect(naiveChange.value.exitCode).toBe(0);
    if (onS3) expect(topUp.requests).toBeGreaterThan(0);
    if (onS3) process.stdout.write(`S3 requests for a 1 % change of ${FILES} files: Reprise top-up ${topUp.requests}, naive rclone sync ${naiveChange.requests}\n`);
    if (onS3) expect(topUp.requests, `top-up ${topUp.requests} requests, naive sync ${naiveChange.requests}`).toBeLessThanOrEqual(naiveChange.requests * 0.1);
    // The run says what it cost, from rclone's own count.
    expect(topUp.log).toMatch(/files copied; \d+ requests \(top-up\)/);

    // Drift behind Reprise's back: a file deleted from current/, another overwritten with other bytes.
    const gone = 'Artist 3/Album 3/3 Track.flac';
    const edited = 'Artist 4/Album 4/4 Track.flac';
    expect((await rclone(['deletefile', `${remote}:music/reprise/current/music/${gone}`])).exitCode).toBe(0);
    const other = join(tempDir(), 'other.flac');
    writeFileSync(other, randomBytes(999));
    expect((await rclone(['copyto', other, `${remote}:music/reprise/current/music/${edited}`])).exitCode).toBe(0);
    const driftVerify = await cli(['verify', 'M']);
    expect(driftVerify.exitCode, driftVerify.stdout).not.toBe(0);

    // A top-up does not look, and so does not see it…
    changeOnePercent(src, 2);
    expect((await run()).log).toMatch(/# top-up run/);
    // …a full run does, and puts current/ right.
    const full = await run(['--full']);
    expect(full.log).toMatch(/# full run: a full run was asked for/);
    const verified = await cli(['verify', 'M']);
    expect(verified.exitCode, verified.stdout + verified.stderr).toBe(0);

    // Every point restores the source as it was when that point was made.
    const ids = await pointIds();
    expect(ids.length).toBe(4);
    // Newest first.
    for (const id of onS3 ? ids.slice(0, 1) : ids) {
      const to = tempDir();
      const r = await cli(['restore', 'M', '--path', 'music', '--at', id, '--to', to]);
      expect(r.exitCode, `${id}: ${r.stdout}${r.stderr}`).toBe(0);
      expect(treeDiff(truths.get(id)!, describeTree(join(to, 'music'))), id).toEqual([]);
    }
  }, 600_000);
});

// `reprise files` against a real WebDAV server and local folders: each operation first as a dry run
// (which lists exactly what would happen and changes nothing), then for real, then its audit entry;
// delete and sync want --yes without a terminal; a destination Reprise manages is refused unless
// --force; exit codes 0/2/1 as everywhere.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reprise } from '../../support/cli.js';
import { type TestServer, startRcloneServe } from '../../support/remote-servers.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

let root: string;
let dav: TestServer;
let data: string;
let config: string;
const cli = (args: string[]) => reprise(data, ['--rclone-config', config, ...args]);

type Audit = Array<{ actor: string; operation: string; source: string | null; destination: string | null; result: string; files: number; bytes: number }>;
const lastAudit = async () => (JSON.parse((await cli(['audit', '--json', '--limit', '1'])).stdout) as Audit)[0]!;
type Result = { outcome: string; dryRun: boolean; files: number; bytes: number; preview: Array<{ action: string; path: string; size: number }> };

beforeAll(async () => {
  root = tempDir('reprise-files-');
  mkdirSync(join(root, 'dav', 'Music', 'Björk'), { recursive: true });
  writeFileSync(join(root, 'dav', 'Music', 'Björk', '01 Jóga.flac'), 'joga'.repeat(100));
  writeFileSync(join(root, 'dav', 'Music', 'Björk', '02 Hunter.flac'), 'hunter'.repeat(50));
  dav = await startRcloneServe('webdav', join(root, 'dav'), { user: 'alice', pass: 'dav secret' }, ['--dir-cache-time', '0s']);
  config = join(root, 'rclone.conf');
  writeFileSync(config, `[web]\ntype = webdav\nurl = ${dav.url}\nvendor = other\nuser = alice\npass = ${(await execa('rclone', ['obscure', 'dav secret'])).stdout.trim()}\n`, { mode: 0o600 });
  data = tempDir();
}, 60_000);
afterAll(async () => {
  await dav?.stop();
  cleanupTempDirs();
});

describe('reprise files', { timeout: 120_000 }, () => {
  it('lists and sizes a remote folder', async () => {
    const ls = JSON.parse((await cli(['files', 'ls', 'web:Music/Björk', '--json'])).stdout) as Array<{ name: string; size: number }>;
    expect(ls.map((e) => `${e.name} ${e.size}`)).toEqual(['01 Jóga.flac 400', '02 Hunter.flac 300']);
    expect(JSON.parse((await cli(['files', 'size', 'web:Music', '--json'])).stdout)).toEqual({ count: 2, bytes: 700 });
    expect((await cli(['files', 'ls', 'web:Nothing'])).exitCode).toBe(2);
  });

  it('copies remote → local: dry run lists and changes nothing, then copies, then the audit says so', async () => {
    const to = join(root, 'local', 'Music');
    const dry = await cli(['files', 'copy', 'web:Music', to, '--dry-run', '--json']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const preview = JSON.parse(dry.stdout) as Result;
    expect(preview.preview.map((p) => `${p.action} ${p.path} ${p.size}`).sort()).toEqual(['copy Björk/01 Jóga.flac 400', 'copy Björk/02 Hunter.flac 300']);
    expect(existsSync(to)).toBe(false);
    expect(await lastAudit()).toMatchObject({ actor: 'cli', operation: 'files copy (dry run)', source: 'web:Music', destination: to, result: 'dry-run', files: 2, bytes: 700 });
    const real = await cli(['files', 'copy', 'web:Music', to]);
    expect(real.exitCode, real.stderr).toBe(0);
    expect(real.stdout).toContain('Done: copied 2 files, 700 B.');
    expect(readFileSync(join(to, 'Björk', '01 Jóga.flac'), 'utf8')).toBe('joga'.repeat(100));
    expect(await lastAudit()).toMatchObject({ operation: 'files copy', result: 'ok', files: 2, bytes: 700 });
  });

  it('makes a folder, moves (renames) a file into it, syncs remote → remote, deletes — each dry run first', async () => {
    expect((await cli(['files', 'mkdir', 'web:New', '--dry-run'])).exitCode).toBe(0);
    expect(existsSync(join(root, 'dav', 'New'))).toBe(false);
    expect((await cli(['files', 'mkdir', 'web:New'])).exitCode).toBe(0);
    expect(existsSync(join(root, 'dav', 'New'))).toBe(true);
    expect(await lastAudit()).toMatchObject({ operation: 'files mkdir', destination: 'web:New', result: 'ok' });

    writeFileSync(join(root, 'dav', 'loose.txt'), 'loose');
    const dryMove = JSON.parse((await cli(['files', 'move', 'web:loose.txt', 'web:New/kept.txt', '--dry-run', '--json'])).stdout) as Result;
    expect(dryMove.preview.length).toBe(1);
    expect(existsSync(join(root, 'dav', 'loose.txt'))).toBe(true);
    expect((await cli(['files', 'move', 'web:loose.txt', 'web:New/kept.txt'])).exitCode).toBe(0);
    expect(readdirSync(join(root, 'dav', 'New'))).toEqual(['kept.txt']);
    expect(existsSync(join(root, 'dav', 'loose.txt'))).toBe(false);
    expect(await lastAudit()).toMatchObject({ operation: 'files move', source: 'web:loose.txt', destination: 'web:New/kept.txt', result: 'ok', files: 1, bytes: 5 });

    // Sync deletes at the destination: without a terminal it wants --yes.
    writeFileSync(join(root, 'dav', 'New', 'stray.txt'), 'stray');
    const refused = await cli(['files', 'sync', 'web:Music/Björk', 'web:New']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const drySync = JSON.parse((await cli(['files', 'sync', 'web:Music/Björk', 'web:New', '--dry-run', '--json'])).stdout) as Result;
    expect(drySync.preview.map((p) => `${p.action} ${p.path}`).sort()).toEqual(['copy 01 Jóga.flac', 'copy 02 Hunter.flac', 'delete kept.txt', 'delete stray.txt']);
    expect(readdirSync(join(root, 'dav', 'New')).sort()).toEqual(['kept.txt', 'stray.txt']);
    expect((await cli(['files', 'sync', 'web:Music/Björk', 'web:New', '--yes'])).exitCode).toBe(0);
    expect(readdirSync(join(root, 'dav', 'New')).sort()).toEqual(['01 Jóga.flac', '02 Hunter.flac']);
    expect(await lastAudit()).toMatchObject({ operation: 'files sync', result: 'ok', files: 2, bytes: 700 });

    expect((await cli(['files', 'delete', 'web:New'])).exitCode).toBe(2);
    const dryDelete = await cli(['files', 'delete', 'web:New', '--dry-run']);
    expect(dryDelete.stdout).toContain('Dry run: would delete 2 files, 700 B. Nothing was changed.\nThis remote has no trash: it is deleted for good.');
    expect(existsSync(join(root, 'dav', 'New'))).toBe(true);
    const del = await cli(['files', 'delete', 'web:New', '--yes']);
    expect(del.exitCode, del.stderr).toBe(0);
    expect(existsSync(join(root, 'dav', 'New'))).toBe(false);
    expect(await lastAudit()).toMatchObject({ operation: 'files delete', destination: 'web:New', result: 'ok', files: 2, bytes: 700 });
  });

  it('refuses a destination Reprise manages unless --force, and fails with exit 1 when the server is gone', async () => {
    const src = join(root, 'src', 'Photos');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'a.jpg'), 'a');
    expect((await cli(['job', 'add', 'P', '--source', src, '--mirror', 'web:backup'])).exitCode).toBe(0);
    expect((await cli(['run', 'P'])).exitCode).toBe(0);
    const refused = await cli(['files', 'delete', 'web:backup/current/Photos/a.jpg', '--yes']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('is part of the mirror destination web:backup that Reprise manages for the job "P"');
    expect((await cli(['files', 'sync', join(root, 'local'), 'web:', '--yes'])).exitCode).toBe(2);
    expect(existsSync(join(root, 'dav', 'backup', 'current', 'Photos', 'a.jpg'))).toBe(true);
    const forced = await cli(['files', 'delete', 'web:backup/current/Photos/a.jpg', '--yes', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(existsSync(join(root, 'dav', 'backup', 'current', 'Photos', 'a.jpg'))).toBe(false);

    const gone = join(tempDir(), 'rclone.conf');
    writeFileSync(gone, '[dead]\ntype = webdav\nurl = http://127.0.0.1:9/\nvendor = other\n', { mode: 0o600 });
    const dead = await reprise(data, ['--rclone-config', gone, 'files', 'copy', join(root, 'src'), 'dead:x']);
    expect(dead.exitCode).toBe(1);
  });
});

// Real FUSE mounts of a loopback WebDAV remote through rcd: mount, read, unmount, persist,
// stale mount points after a crash, and a clear error where FUSE is missing.
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { MountsManager } from '../../../electron/core/mounts/mounts-manager.js';
import { MountStore } from '../../../electron/core/mounts/mount-store.js';
import { readRcloneMounts } from '../../../electron/core/mounts/mount-table.js';
import { checkFuse } from '../../../electron/core/mounts/fuse-check.js';
import { RcdClient } from '../../../electron/core/remotes/rcd.js';
import { makeRcloneEnv, type RcloneTestEnv } from '../../support/rclone-env.js';
import { startRcloneServe, type TestServer } from '../../support/remote-servers.js';

const fuse = await checkFuse();
let env: RcloneTestEnv;
let served: string;
let dav: TestServer;

beforeAll(async () => {
  env = await makeRcloneEnv();
  served = await mkdtemp(join(tmpdir(), 'reprise-mount-served-'));
  await mkdir(join(served, 'Music', 'Björk'), { recursive: true });
  await writeFile(join(served, 'Music', 'Björk', 'Jóga.flac'), 'mounted bytes');
  dav = await startRcloneServe('webdav', served, { user: 'u', pass: 'mount-dav-pass-1' });
  await env.config.create('dav', 'webdav', { url: dav.url, user: 'u', pass: 'mount-dav-pass-1' });
});

afterAll(async () => {
  await dav?.stop();
  await rm(served, { recursive: true, force: true });
  await env?.cleanup();
});

async function mountedPoints(): Promise<string[]> {
  return (await readRcloneMounts()).map((m) => m.mountPoint);
}

describe.skipIf(!fuse.ok)('mounts through FUSE', { timeout: 60_000 }, () => {
  it('mounts read-only, reads a file through the mount, unmounts; close() leaves no mount', async () => {
    const rcd = new RcdClient(env.runner);
    const store = new MountStore(join(env.dir, 'data', 'mounts.json'));
    const changes: string[] = [];
    const manager = new MountsManager({ rcd, children: env.runner.base.children, store, onChange: (m) => changes.push(m.map((x) => x.state.kind).join(',')) });
    const point = join(env.dir, 'Reprise Mounts', 'dav music');
    try {
      const view = await manager.mount({ fs: 'dav:Music', mountPoint: point });
      expect(view).toMatchObject({ readOnly: true, cacheMode: 'off', persist: false, state: { kind: 'mounted' } });
      expect(await mountedPoints()).toContain(point);
      expect(await readFile(join(point, 'Björk', 'Jóga.flac'), 'utf8')).toBe('mounted bytes');
      // Read-only by default: writing fails.
      await expect(writeFile(join(point, 'new.txt'), 'x')).rejects.toThrow();

      const after = await manager.unmount(point);
      expect(after.state).toEqual({ kind: 'unmounted' });
      expect(await mountedPoints()).not.toContain(point);
      expect(await readdir(point)).toEqual([]);

      await manager.mount({ fs: 'dav:Music', mountPoint: point, cacheMode: 'writes', readOnly: false });
      expect(await mountedPoints()).toContain(point);
      await manager.close();
      expect(await mountedPoints()).not.toContain(point);
      expect((await manager.list())[0]?.state).toEqual({ kind: 'unmounted' });
      expect(changes).toContain('mounted');
    } finally {
      await manager.close();
      await rcd.close();
    }
    expect(await mountedPoints()).not.toContain(point);
  });

  it('remembers "mount at start", cleans a stale mount left by a crash, and remounts', async () => {
    const file = join(env.dir, 'data2', 'mounts.json');
    const point = join(env.dir, 'crash point');
    const crashed = new RcdClient(env.runner);
    const first = new MountsManager({ rcd: crashed, children: env.runner.base.children, store: new MountStore(file) });
    // Whatever fails below, leave no dead mount on the machine.
    onTestFinished(async () => {
      if ((await mountedPoints()).includes(point)) await execa('fusermount3', ['-u', '-z', '--', point], { reject: false });
    });
    await first.mount({ fs: 'dav:Music', mountPoint: point, persist: true });
    expect(await mountedPoints()).toContain(point);
    // Simulate a crash: the rcd dies without unmounting; the kernel keeps a dead mount.
    process.kill(crashed.pid!, 'SIGKILL');
    await crashed.exited();
    await expect(readdir(point)).rejects.toThrow(/ENOTCONN|ECONNABORTED/);
    expect(await mountedPoints()).toContain(point);

    const rcd = new RcdClient(env.runner);
    const second = new MountsManager({ rcd, children: env.runner.base.children, store: new MountStore(file) });
    try {
      const saved = await second.list();
      expect(saved).toEqual([{ fs: 'dav:Music', mountPoint: point, readOnly: true, cacheMode: 'off', persist: true, state: { kind: 'unmounted' } }]);
      expect(await second.cleanStale()).toEqual([point]);
      expect(await mountedPoints()).not.toContain(point);
      const started = await second.start();
      expect(started[0]?.state).toEqual({ kind: 'mounted' });
      expect(await readFile(join(point, 'Björk', 'Jóga.flac'), 'utf8')).toBe('mounted bytes');
      await second.setPersist(point, false);
      expect(JSON.parse(await readFile(file, 'utf8'))[0].persist).toBe(false);
    } finally {
      await second.close();
      await rcd.close();
    }
    expect(await mountedPoints()).not.toContain(point);
  });
});

describe.skipIf(!fuse.ok)('mounts of another Reprise process', { timeout: 60_000 }, () => {
  it('a second manager (e.g. a CLI command) neither cleans nor unmounts a live mount it did not make', async () => {
    const file = join(env.dir, 'shared-data', 'mounts.json');
    const point = join(env.dir, 'app mount');
    const appRcd = new RcdClient(env.runner);
    const app = new MountsManager({ rcd: appRcd, children: env.runner.base.children, store: new MountStore(file) });
    const cliRcd = new RcdClient(env.runner);
    const cli = new MountsManager({ rcd: cliRcd, children: env.runner.base.children, store: new MountStore(file) });
    try {
      await app.mount({ fs: 'dav:Music', mountPoint: point, persist: true });
      expect(await cli.cleanStale()).toEqual([]);
      await cli.close();
      expect(cliRcd.pid).toBeUndefined(); // closing did not even start an rcd
      expect(await readFile(join(point, 'Björk', 'Jóga.flac'), 'utf8')).toBe('mounted bytes');
    } finally {
      await app.close();
      await appRcd.close();
      await cliRcd.close();
    }
    expect(await mountedPoints()).not.toContain(point);
  });
});

describe('mounts without FUSE', () => {
  it('reports a clear error with how to install instead of hanging', async () => {
    const rcd = new RcdClient(env.runner);
    const manager = new MountsManager({ children: env.runner.base.children,
      rcd,
      store: new MountStore(join(env.dir, 'data3', 'mounts.json')),
      fuse: () => checkFuse({ platform: 'linux', path: '/nonexistent', devFuse: join(env.dir, 'no-dev-fuse') }),
    });
    try {
      const view = await manager.mount({ fs: 'dav:Music', mountPoint: join(env.dir, 'nofuse') });
      expect(view.state).toMatchObject({ kind: 'error', reason: expect.stringMatching(/FUSE is not available/), howToFix: expect.stringMatching(/apt install fuse3/) });
      expect(rcd.pid).toBeUndefined(); // rclone was never asked to mount
    } finally {
      await rcd.close();
    }
  });

  it('refuses a relative mount point and a non-empty folder', async () => {
    const rcd = new RcdClient(env.runner);
    const manager = new MountsManager({ rcd, children: env.runner.base.children, store: new MountStore(join(env.dir, 'data4', 'mounts.json')) });
    try {
      await expect(manager.mount({ fs: 'dav:Music', mountPoint: 'relative/dir' })).rejects.toThrow(/full folder path/);
      const full = join(env.dir, 'full');
      await mkdir(full);
      await writeFile(join(full, 'keep.txt'), 'x');
      const view = await manager.mount({ fs: 'dav:Music', mountPoint: full });
      expect(view.state).toMatchObject({ kind: 'error', reason: expect.stringMatching(/not empty/) });
    } finally {
      await rcd.close();
    }
  });
});

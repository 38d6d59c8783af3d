import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkLocalDestination, defaultMountContainer, isLocalTarget, markDestination } from '../../../electron/core/scheduler/destination-presence.js';

describe('checkLocalDestination', () => {
  let root: string;
  let media: string;
  const opts = (everUsed: boolean) => ({ everUsed, isMountContainer: (d: string) => d === media });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'reprise-dest-'));
    media = join(root, 'media', 'alice');
    mkdirSync(media, { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports a drive that is not plugged in as missing, not as a folder to create', () => {
    const res = checkLocalDestination(join(media, 'USB Björk', 'backups'), opts(false));
    expect(res).toMatchObject({ present: false, kind: 'destination-missing' });
    if (!res.present) {
      expect(res.message).toContain('its drive is not connected');
      expect(res.hint).toMatch(/Connect the drive/);
    }
  });

  it('accepts a new folder on a present disk (the first run creates it)', () => {
    expect(checkLocalDestination(join(root, 'home', 'backups'), opts(false))).toEqual({ present: true });
  });

  it('treats an empty mount point of a used destination as missing until the marker is back', () => {
    const dest = join(media, 'USB');
    mkdirSync(dest);
    expect(checkLocalDestination(dest, opts(false))).toEqual({ present: true });
    expect(checkLocalDestination(dest, opts(true))).toMatchObject({ present: false });
    markDestination(dest, { jobId: 'j', atMs: 0 });
    expect(checkLocalDestination(dest, opts(true))).toEqual({ present: true });
  });

  it('refuses a used destination whose folder is gone, and a path that is a file', () => {
    expect(checkLocalDestination(join(root, 'gone'), opts(true))).toMatchObject({ present: false, message: expect.stringContaining('is gone') });
    writeFileSync(join(root, 'file'), 'x');
    expect(checkLocalDestination(join(root, 'file'), opts(false))).toMatchObject({ present: false, message: expect.stringContaining('not a folder') });
  });

  it('knows where drives are mounted and what a local target is', () => {
    expect(['/media', '/media/bob', '/run/media/bob', '/mnt', '/Volumes'].every(defaultMountContainer)).toBe(true);
    expect(['/', '/home', '/media/bob/USB', '/run'].some(defaultMountContainer)).toBe(false);
    expect(isLocalTarget('/srv/backup')).toBe(true);
    expect(isLocalTarget('D:\\Backups')).toBe(true);
    expect(isLocalTarget('b2:bucket/music')).toBe(false);
  });
});

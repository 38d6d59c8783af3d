import { chmodSync, writeFileSync } from 'node:fs';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectTool, parseToolVersion } from '../../../electron/core/tools/tools.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

const children = new ChildRunner();

afterAll(cleanupTempDirs);

describe('tool discovery', () => {
  it('parses rclone and rsync version lines', () => {
    expect(parseToolVersion('rclone', 'rclone v1.60.1-DEV\n- os/version: debian 12')).toEqual([1, 60, 1]);
    expect(parseToolVersion('rclone', 'rclone v1.71.0')).toEqual([1, 71, 0]);
    expect(parseToolVersion('rsync', 'rsync  version 3.2.7  protocol version 31')).toEqual([3, 2, 7]);
    expect(parseToolVersion('rsync', 'openrsync: protocol version 29')).toBeNull();
  });

  it('finds the installed rclone and rsync', async () => {
    const rclone = await detectTool(children, 'rclone', 'rclone');
    expect(rclone).toMatchObject({ found: true, ok: true, problem: null });
    expect(rclone.version).toMatch(/^1\.\d+\.\d+$/);
    expect(await detectTool(children, 'rsync', 'rsync')).toMatchObject({ found: true, ok: true });
  });

  it('explains how to install a missing tool', async () => {
    const missing = await detectTool(children, 'rclone', '/nonexistent/rclone');
    expect(missing).toMatchObject({ found: false, ok: false });
    expect(missing.problem).toMatch(/rclone was not found.*apt install rclone.*brew install rclone/);
  });

  it('refuses a too-old rclone (a script standing in for rclone 1.50: no such old build here)', async () => {
    const fake = join(tempDir(), 'rclone');
    writeFileSync(fake, '#!/bin/sh\necho "rclone v1.50.2"\n');
    chmodSync(fake, 0o755);
    const old = await detectTool(children, 'rclone', fake);
    expect(old).toMatchObject({ found: true, ok: false, version: '1.50.2' });
    expect(old.problem).toMatch(/too old; Reprise needs 1\.60\.0 or newer/);
  });
});

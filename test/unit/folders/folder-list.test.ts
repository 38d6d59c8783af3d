// The browser version's folder picker lists folders only where a user could pick anyway.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFolders } from '../../../electron/core/folders/folder-list.js';
import { RepriseError } from '../../../shared/result.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

function home() {
  const h = tempDir();
  mkdirSync(join(h, 'Music', 'Björk'), { recursive: true });
  mkdirSync(join(h, 'Music', 'Abba'));
  mkdirSync(join(h, '.cache'));
  writeFileSync(join(h, 'Music', 'notes.txt'), 'x');
  symlinkSync('/etc', join(h, 'etc-link'));
  return h;
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof RepriseError) return e.appError;
    throw e;
  }
  throw new Error('not refused');
};

describe('listFolders', () => {
  it('starts at home and mounted drives, lists sub-folders only, hidden ones left out', () => {
    const h = home();
    const start = listFolders(null, h);
    expect(start.roots[0]).toEqual({ label: 'Home', path: h });
    expect(start.folders).toEqual([]);
    const top = listFolders(h, h);
    expect(top.folders.map((f) => f.name)).toEqual(['Music']);
    expect(top.parent).toBeNull();
    const music = listFolders(join(h, 'Music'), h);
    expect(music).toMatchObject({ path: join(h, 'Music'), parent: h, folders: [{ name: 'Abba', path: join(h, 'Music', 'Abba') }, { name: 'Björk', path: join(h, 'Music', 'Björk') }] });
  });

  it('refuses anything outside, also through a symlink or ..', () => {
    const h = home();
    expect(refusal(() => listFolders('/etc', h))).toMatchObject({ kind: 'invalid-request', message: expect.stringContaining('only inside your home folder and on mounted drives') });
    expect(refusal(() => listFolders(join(h, 'etc-link'), h)).kind).toBe('invalid-request');
    expect(refusal(() => listFolders(join(h, 'Music', '..', '..'), h)).kind).toBe('invalid-request');
    expect(refusal(() => listFolders('Music', h))).toMatchObject({ message: '"Music" is not a full path.' });
    expect(refusal(() => listFolders(join(h, 'nope'), h))).toMatchObject({ kind: 'not-found' });
    expect(refusal(() => listFolders(join(h, 'Music', 'notes.txt'), h)).message).toContain('is a file');
  });
});

import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonFileSettingsStore } from '../../../electron/core/settings/json-file-store.js';
import { updateSettings } from '../../../electron/core/settings/settings.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('JSON settings store', () => {
  it('starts empty, writes 0600 atomically and keeps unknown keys', () => {
    const path = join(tempDir(), 'sub', 'settings.json');
    const store = jsonFileSettingsStore(path);
    expect(store.read()).toMatchObject({ version: 1, jobs: [], rcloneConfig: null });
    updateSettings(store, (s) => ({ ...s, rcloneConfig: '/x/rclone.conf', futureKey: { a: 1 } }));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(store.read()).toMatchObject({ rcloneConfig: '/x/rclone.conf', futureKey: { a: 1 } });
    expect(JSON.parse(readFileSync(path, 'utf8')).futureKey).toEqual({ a: 1 });
  });

  it('says clearly when the file is broken instead of crashing', () => {
    const path = join(tempDir(), 'settings.json');
    writeFileSync(path, '{ not json');
    expect(() => jsonFileSettingsStore(path).read()).toThrow(/not valid JSON/);
    writeFileSync(path, JSON.stringify({ jobs: [{ name: 5 }] }));
    expect(() => jsonFileSettingsStore(path).read()).toThrow(/unexpected content/);
  });
});

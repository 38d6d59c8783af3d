// The electron-builder config: every file it names exists, every installer the issue asks for is
// there, and the Linux desktop entry carries its categories and icon. (The integration test
// test/integration/desktop/packaging.test.ts runs electron-builder itself on this config.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const configPath = join(repo, 'build', 'electron-builder.yml');
type Config = Record<string, unknown> & {
  directories: { buildResources: string };
  extraResources: { from: string; to: string }[];
  linux: { target: string[]; icon: string; category: string; desktop: { entry: Record<string, string> } };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
  nsis: Record<string, unknown>;
  dmg: Record<string, unknown>;
};
const config = parse(readFileSync(configPath, 'utf8')) as Config;

/** Every string under a key that names a file (icon, installerIcon, from …), with its path. */
function fileRefs(node: unknown, path: string[] = []): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((n, i) => fileRefs(n, [...path, String(i)]));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => (typeof v === 'string' && /icon$|^icon|^from$|^background$|^license$|^entitlements/i.test(k) ? [[[...path, k].join('.'), v] as [string, string]] : fileRefs(v, [...path, k])));
  return [];
}

describe('build/electron-builder.yml', () => {
  it('names only files that exist', () => {
    const refs = fileRefs(config);
    expect(refs.map(([k]) => k)).toEqual(expect.arrayContaining(['linux.icon', 'mac.icon', 'win.icon', 'extraResources.0.from', 'nsis.installerIcon']));
    for (const [key, file] of refs) expect(existsSync(join(repo, file)), `${key}: ${file}`).toBe(true);
    expect(existsSync(join(repo, config.directories.buildResources))).toBe(true);
  });

  it('builds AppImage and deb, dmg and nsis, each with its icon format', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.linux.icon).toMatch(/\.png$/);
    expect(config.mac.icon).toMatch(/\.icns$/);
    expect(config.win.icon).toMatch(/\.ico$/);
  });

  it('ships resources/ (tray icons, window icon) beside the app, where electron/desktop/resources.ts looks', () => {
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'resources', to: 'resources' }));
    expect(readFileSync(join(repo, 'electron', 'desktop', 'resources.ts'), 'utf8')).toContain("join(resourcesPath, 'resources')");
  });

  it('gives Linux a desktop entry with categories, keywords and the icon', () => {
    expect(config.linux.category).toBe('Utility');
    expect(config.linux.desktop.entry.Categories).toBe('Utility;Archiving;');
    expect(config.linux.desktop.entry.Name).toBe('Reprise');
    expect(config.linux.desktop.entry.Keywords).toMatch(/backup/);
  });

  it('is what `npm run dist` uses, and the README says how to run it', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.dist).toContain('--config build/electron-builder.yml');
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain('npm run dist');
  });
});

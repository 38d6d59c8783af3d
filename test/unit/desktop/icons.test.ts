// The icons Reprise ships: every tray picture at every size the code names, each the size its
// name says, and every rendered file exactly what its SVG source renders to.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { LINUX_TRAY_SIZES as SCRIPT_LINUX_SIZES, templateOf } from '../../../scripts/icons.js';
import { LINUX_TRAY_SIZES, allTrayFiles, trayImageFiles } from '../../../electron/desktop/tray-images.js';
import { TRAY_IMAGES } from '../../../shared/tray-state.js';

/** The macOS template of a state rendered at a size: RGBA pixels, alpha per pixel, how many are drawn. */
function templatePixels(image: string, size: number) {
  const svg = readFileSync(join(repo, 'build', 'art', 'tray', `${image}.svg`), 'utf8');
  const pixels = new Resvg(templateOf(svg), { fitTo: { mode: 'width', value: size } }).render().pixels;
  const alpha = Array.from({ length: size * size }, (_, i) => pixels[i * 4 + 3]!);
  return { pixels, alpha, opaque: alpha.filter((a) => a > 127).length };
}

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const resources = join(repo, 'resources');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): [number, number] {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1'), `${file} is a PNG`).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

/** The image sizes inside an .ico (a 0 byte means 256). */
function icoSizes(file: string): number[] {
  const b = readFileSync(file);
  expect(b.readUInt16LE(2), `${file} is an icon`).toBe(1);
  return Array.from({ length: b.readUInt16LE(4) }, (_, i) => b[6 + i * 16] || 256);
}

describe('tray icons', () => {
  it.each(['linux', 'darwin', 'win32'] as const)('exist for every state on %s, at every size the code may pick', (platform) => {
    for (const image of TRAY_IMAGES) {
      for (const file of allTrayFiles(platform, image)) expect(existsSync(join(resources, file)), file).toBe(true);
    }
  });

  it('are the size their names say: Linux 16–48 px, macOS templates 16 and 32 px, Windows .ico 16–48 px', () => {
    for (const image of TRAY_IMAGES) {
      for (const size of LINUX_TRAY_SIZES) expect(pngSize(join(resources, trayImageFiles('linux', image, size).file))).toEqual([size, size]);
      const mac = trayImageFiles('darwin', image);
      expect(mac.file).toMatch(/Template\.png$/);
      expect(pngSize(join(resources, mac.file))).toEqual([16, 16]);
      expect(pngSize(join(resources, mac.representations[0]!.file))).toEqual([32, 32]);
      expect(icoSizes(join(resources, trayImageFiles('win32', image).file))).toEqual(expect.arrayContaining([16, 20, 24, 32, 40, 48]));
    }
  });

  it('on macOS are templates: black and alpha only, so the menu bar can tint them', () => {
    for (const image of TRAY_IMAGES) {
      const { pixels, opaque } = templatePixels(image, 32);
      expect(opaque, `${image} draws something`).toBeGreaterThan(200);
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i + 3]! > 0) expect([pixels[i], pixels[i + 1], pixels[i + 2]], `${image} pixel ${i / 4}`).toEqual([0, 0, 0]);
    }
  });

  it('tell every state apart at 16 px by shape alone (no colour): their template masks differ widely', () => {
    const masks = TRAY_IMAGES.map((image) => ({ image, alpha: templatePixels(image, 16).alpha }));
    for (const a of masks) {
      for (const b of masks) {
        if (a.image >= b.image) continue;
        // Pixels whose coverage differs by more than half: at least 20 of the 256.
        const differ = a.alpha.filter((v, i) => Math.abs(v - b.alpha[i]!) > 127).length;
        expect(differ, `${a.image} vs ${b.image}`).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it('the renderer and the app agree on the Linux sizes', () => {
    expect(SCRIPT_LINUX_SIZES).toEqual([...LINUX_TRAY_SIZES]);
  });
});

describe('app icons', () => {
  it('exist for every installer: 1024 px PNG, .icns, .ico up to 256 px, and the 256 px window icon', () => {
    expect(pngSize(join(repo, 'build', 'icon.png'))).toEqual([1024, 1024]);
    expect(readFileSync(join(repo, 'build', 'icon.icns')).subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icoSizes(join(repo, 'build', 'icon.ico'))).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    expect(pngSize(join(resources, 'icon.png'))).toEqual([256, 256]);
  });

  it('every rendered icon is exactly what its SVG source renders to (`npm run icons` rewrites them)', () => {
    const r = spawnSync(process.execPath, [join(repo, 'scripts', 'icons.js'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+ icons match their sources/);
  }, 60_000); // renders every SVG again: seconds of CPU, more on a busy machine
});

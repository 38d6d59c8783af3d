#!/usr/bin/env node
// Renders every icon Reprise ships from its SVG source in build/art/ (resvg for the pixels,
// png-to-ico and @fiahfy/icns for the containers):
//
//   build/icon.png (1024), build/icon.icns, build/icon.ico      app icon, for electron-builder
//   resources/icon.png (256)                                    the window's and notifications' icon
//   resources/tray/mac/<state>Template.png, …Template@2x.png    macOS menu bar (template: black + alpha)
//   resources/tray/linux/<state>-<16|22|24|32|48>.png           Linux trays, in colour
//   resources/tray/win/<state>.ico                              Windows notification area, in colour
//   renderer/public/icon.svg                                    the app icon in the window's sidebar
//
// The rendered files are committed: they are inputs of packaging and of the app at run time, so
// `npm ci` and `npm run dist` need no renderer, and a reviewer sees the pictures in the diff.
// `npm run icons` writes them; `npm run icons -- --check` (run by the unit tests) fails when a
// file is missing or differs from what its source renders to.
//
// A tray source defines #shape and #glyph and shows them in colour (what Linux and Windows get).
// The macOS template is made from the same two parts: the shape in black with the glyph cut out
// of it (data-template="cut"), or drawn in black too (data-template="draw"), so the state reads
// by shape alone, as macOS tints template images for light and dark menu bars.
import { Resvg } from '@resvg/resvg-js';
import { Icns, IcnsImage } from '@fiahfy/icns';
import pngToIco from 'png-to-ico';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const art = join(root, 'build', 'art');

/** Sizes of the Linux tray PNGs (electron/desktop/tray-images.ts names the same). */
export const LINUX_TRAY_SIZES = [16, 22, 24, 32, 48];
/** Sizes inside a tray .ico: 100 % to 300 % display scaling of a 16 px notification-area icon. */
const WIN_TRAY_SIZES = [16, 20, 24, 32, 40, 48];
const APP_ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS entries: [type, pixel size]. ic11–ic14 are the @2x variants of 16–256 pt.
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['ic12', 64],
  ['ic07', 128],
  ['ic13', 256],
  ['ic08', 256],
  ['ic14', 512],
  ['ic09', 512],
  ['ic10', 1024],
];

/** PNG bytes of an SVG at a pixel width. */
function render(svg, width) {
  return Buffer.from(new Resvg(svg, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: false } }).render().asPng());
}

/** The macOS template variant of a tray source: black shape, glyph cut out or drawn black. */
export function templateOf(svg) {
  const defs = /<defs>[\s\S]*<\/defs>/.exec(svg)?.[0];
  const glyph = /<use[^>]*href="#glyph"[^>]*>/.exec(svg)?.[0];
  if (!defs || !glyph) throw new Error('a tray source needs <defs> with #shape and #glyph, and a <use> of #glyph');
  const cut = !/data-template="draw"/.test(glyph);
  const open = /<svg[^>]*>/.exec(svg)[0];
  const body = cut
    ? `<mask id="cut" maskUnits="userSpaceOnUse" x="0" y="0" width="32" height="32"><rect width="32" height="32" fill="#fff"/><use xlink:href="#glyph" color="#000"/></mask>
  <use xlink:href="#shape" color="#000" mask="url(#cut)"/>`
    : `<use xlink:href="#shape" color="#000"/>
  <use xlink:href="#glyph" color="#000"/>`;
  return `${open}\n  ${defs}\n  ${body}\n</svg>\n`;
}

/** Every output file and its bytes. */
export async function renderAll() {
  const out = new Map();
  const app = readFileSync(join(art, 'app.svg'), 'utf8');
  out.set('build/icon.png', render(app, 1024));
  out.set('resources/icon.png', render(app, 256));
  out.set('build/icon.ico', await pngToIco(APP_ICO_SIZES.map((s) => render(app, s))));
  const icns = new Icns();
  for (const [type, size] of ICNS_TYPES) icns.append(IcnsImage.fromPNG(render(app, size), type));
  out.set('build/icon.icns', Buffer.from(icns.data));
  out.set('renderer/public/icon.svg', Buffer.from(app));

  for (const file of readdirSync(join(art, 'tray')).filter((f) => f.endsWith('.svg')).sort()) {
    const state = file.slice(0, -4);
    const svg = readFileSync(join(art, 'tray', file), 'utf8');
    const template = templateOf(svg);
    out.set(`resources/tray/mac/${state}Template.png`, render(template, 16));
    out.set(`resources/tray/mac/${state}Template@2x.png`, render(template, 32));
    for (const size of LINUX_TRAY_SIZES) out.set(`resources/tray/linux/${state}-${size}.png`, render(svg, size));
    out.set(`resources/tray/win/${state}.ico`, await pngToIco(WIN_TRAY_SIZES.map((s) => render(svg, s))));
  }
  return out;
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await renderAll();
  const stale = [];
  for (const [rel, bytes] of files) {
    const path = join(root, rel);
    const same = existsSync(path) && readFileSync(path).equals(bytes);
    if (same) continue;
    if (check) stale.push(rel);
    else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
      process.stdout.write(`wrote ${relative(root, path)}\n`);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(`These icons differ from what their SVG sources render to; run \`npm run icons\`:\n  ${stale.join('\n  ')}\n`);
    process.exit(1);
  }
  if (check) process.stdout.write(`${files.size} icons match their sources\n`);
}

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) await main();

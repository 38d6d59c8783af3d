// Which files in resources/tray draw each tray picture on each platform. Pure, so the packaging
// test can check that every file named here exists at every size (scripts/icons.js renders them).
import { join } from 'node:path';
import type { TrayImage } from '../../shared/tray-state.js';

/** The Linux tray PNG sizes shipped for every picture. */
export const LINUX_TRAY_SIZES = [16, 22, 24, 32, 48] as const;
export type LinuxTraySize = (typeof LINUX_TRAY_SIZES)[number];
/** The panel size Linux trays are drawn for unless REPRISE_TRAY_SIZE says otherwise (freedesktop's panel default). */
export const DEFAULT_LINUX_TRAY_SIZE: LinuxTraySize = 22;

export interface TrayImageFiles {
  /** The picture at scale 1, relative to the resources folder. */
  readonly file: string;
  /** Sharper pictures for HiDPI screens. */
  readonly representations: readonly { readonly scaleFactor: number; readonly file: string }[];
  /** macOS template image: black and alpha, tinted by the system for light and dark menu bars. */
  readonly template: boolean;
}

/** The files of one tray picture for a platform (Linux: at the given panel size). */
export function trayImageFiles(platform: NodeJS.Platform, image: TrayImage, linuxSize: LinuxTraySize = DEFAULT_LINUX_TRAY_SIZE): TrayImageFiles {
  switch (platform) {
    case 'darwin':
      return { file: join('tray', 'mac', `${image}Template.png`), representations: [{ scaleFactor: 2, file: join('tray', 'mac', `${image}Template@2x.png`) }], template: true };
    case 'win32':
      // An .ico holds 16–48 px; Windows picks the one for the display's scaling.
      return { file: join('tray', 'win', `${image}.ico`), representations: [], template: false };
    default: {
      const double = LINUX_TRAY_SIZES.find((s) => s >= linuxSize * 2);
      return {
        file: join('tray', 'linux', `${image}-${linuxSize}.png`),
        representations: double ? [{ scaleFactor: double / linuxSize, file: join('tray', 'linux', `${image}-${double}.png`) }] : [],
        template: false,
      };
    }
  }
}

/** Every tray file a platform may read for a picture, at every size it may choose. */
export function allTrayFiles(platform: NodeJS.Platform, image: TrayImage): readonly string[] {
  const sizes: readonly (LinuxTraySize | undefined)[] = platform === 'darwin' || platform === 'win32' ? [undefined] : LINUX_TRAY_SIZES;
  const files = sizes.flatMap((s) => {
    const f = trayImageFiles(platform, image, s);
    return [f.file, ...f.representations.map((r) => r.file)];
  });
  return [...new Set(files)];
}

/** The Linux panel size from REPRISE_TRAY_SIZE, when it names one we ship. */
export function linuxTraySize(env: NodeJS.ProcessEnv): LinuxTraySize {
  const n = Number(env.REPRISE_TRAY_SIZE);
  return (LINUX_TRAY_SIZES as readonly number[]).includes(n) ? (n as LinuxTraySize) : DEFAULT_LINUX_TRAY_SIZE;
}

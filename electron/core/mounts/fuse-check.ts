// Finds out whether this machine can mount at all (FUSE on Linux, macFUSE on macOS, WinFsp on
// Windows) so a missing driver gives a clear message instead of a mount that hangs or fails late.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** The outcome of the check: ready, or missing with how to install it. */
export type FuseStatus =
  | { readonly ok: true; readonly unmountCommand: string | undefined }
  | { readonly ok: false; readonly reason: string; readonly howToInstall: string };

/** Seams of the check, injected so tests can describe another machine. */
export interface FuseCheckEnv {
  readonly platform: NodeJS.Platform;
  /** PATH to search for fusermount3 / fusermount. */
  readonly path: string;
  /** The FUSE device on Linux. */
  readonly devFuse?: string;
  /** Returns true when a file exists (and for binaries: is executable). */
  readonly exists?: (file: string, executable: boolean) => Promise<boolean>;
}

async function defaultExists(file: string, executable: boolean): Promise<boolean> {
  try {
    await access(file, executable ? constants.X_OK : constants.F_OK);
    return true;
  } catch {
    return false;
  }
}

// Searches PATH for the first of the given programs.
async function which(names: readonly string[], path: string, exists: NonNullable<FuseCheckEnv['exists']>): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (await exists(candidate, true)) return candidate;
    }
  }
  return undefined;
}

// Checks the mount prerequisites of this platform.
export async function checkFuse(env: FuseCheckEnv = { platform: process.platform, path: process.env.PATH ?? '' }): Promise<FuseStatus> {
  const exists = env.exists ?? defaultExists;
  switch (env.platform) {
    case 'linux': {
      const device = env.devFuse ?? '/dev/fuse';
      const helper = await which(['fusermount3', 'fusermount'], env.path, exists);
      if (!(await exists(device, false))) {
        return {
          ok: false,
          reason: `FUSE is not available: ${device} is missing, so remotes cannot be mounted.`,
          howToInstall: 'Install FUSE 3 (Debian/Ubuntu: sudo apt install fuse3; Fedora: sudo dnf install fuse3) and load the module (sudo modprobe fuse). In a container, start it with --device /dev/fuse.',
        };
      }
      if (!helper) {
        return {
          ok: false,
          reason: 'FUSE helper fusermount3 was not found, so remotes cannot be mounted.',
          howToInstall: 'Install FUSE 3: on Debian/Ubuntu run sudo apt install fuse3 (Fedora: sudo dnf install fuse3; Arch: sudo pacman -S fuse3).',
        };
      }
      return { ok: true, unmountCommand: helper };
    }
    case 'darwin': {
      const found = (await exists('/Library/Filesystems/macfuse.fs', false)) || (await exists('/Library/Filesystems/fuse-t.fs', false)) || (await exists('/usr/local/lib/libfuse-t.dylib', false));
      if (!found) {
        return { ok: false, reason: 'macFUSE is not installed, so remotes cannot be mounted.', howToInstall: 'Install macFUSE from https://osxfuse.github.io/ (or FUSE-T from https://www.fuse-t.org/), then allow its system extension in System Settings → Privacy & Security.' };
      }
      return { ok: true, unmountCommand: '/sbin/umount' };
    }
    case 'win32': {
      const roots = ['C:\\Program Files (x86)\\WinFsp\\bin\\winfsp-x64.dll', 'C:\\Program Files\\WinFsp\\bin\\winfsp-x64.dll'];
      for (const dll of roots) if (await exists(dll, false)) return { ok: true, unmountCommand: undefined };
      return { ok: false, reason: 'WinFsp is not installed, so remotes cannot be mounted.', howToInstall: 'Install WinFsp from https://winfsp.dev/rel/ (or: winget install WinFsp.WinFsp), then restart Reprise.' };
    }
    default:
      return { ok: false, reason: `Mounting is not supported on ${env.platform}.`, howToInstall: 'Use the Browser page to reach your files instead.' };
  }
}

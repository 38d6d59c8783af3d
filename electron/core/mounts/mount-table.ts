// Reads the kernel's table of mounts (Linux /proc/self/mountinfo) to spot rclone FUSE mounts,
// including stale ones left behind when a previous Reprise crashed.
import { readFile } from 'node:fs/promises';

/** One line of the mount table that matters to us. */
export interface MountTableEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

// Undoes the octal escapes (\040 for space …) the kernel uses in mountinfo.
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

// Parses /proc/self/mountinfo text into entries.
export function parseMountInfo(text: string): MountTableEntry[] {
  const out: MountTableEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const mountPoint = fields[4];
    const [fsType, source] = right.split(' ');
    if (!mountPoint || !fsType) continue;
    out.push({ mountPoint: unescapeMountPath(mountPoint), fsType, source: unescapeMountPath(source ?? '') });
  }
  return out;
}

// The rclone FUSE mounts currently in the kernel's table (empty where there is no /proc).
export async function readRcloneMounts(file = '/proc/self/mountinfo'): Promise<MountTableEntry[]> {
  try {
    const text = await readFile(file, 'utf8');
    return parseMountInfo(text).filter((e) => e.fsType === 'fuse.rclone' || e.fsType.startsWith('fuse.rclone'));
  } catch {
    return [];
  }
}

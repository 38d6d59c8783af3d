// Tray icons drawn at run time as small RGBA bitmaps: a disc in the state's colour with a ring,
// so no image files or image libraries are needed for the four states.
export type TrayTone = 'ok' | 'busy' | 'warn' | 'bad' | 'muted';

const colours: Record<TrayTone, readonly [number, number, number]> = {
  ok: [35, 165, 90],
  busy: [58, 111, 240],
  warn: [217, 138, 0],
  bad: [217, 59, 59],
  muted: [140, 140, 150],
};

/** A size×size BGRA bitmap (Electron's createFromBitmap order) of a state disc. */
export function trayBitmap(tone: TrayTone, size = 32): Buffer {
  const buf = Buffer.alloc(size * size * 4);
  const [r, g, b] = colours[tone];
  const c = (size - 1) / 2;
  const outer = size / 2 - 1;
  const inner = outer * 0.55;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      const i = (y * size + x) * 4;
      // Antialiased edge; the centre is hollow when busy so the icon reads as "in progress".
      const edge = Math.max(0, Math.min(1, outer - d + 0.5));
      const hole = tone === 'busy' ? Math.max(0, Math.min(1, inner - d + 0.5)) : 0;
      const a = Math.round(255 * edge * (1 - hole));
      buf[i] = b;
      buf[i + 1] = g;
      buf[i + 2] = r;
      buf[i + 3] = a;
    }
  }
  return buf;
}

// A one-line terminal progress bar for `reprise run`, redrawn in place on a TTY.
import { formatDuration, formatSpeed, progressBytes } from '../../shared/format.js';
import type { RunProgress } from '../../shared/model.js';

/** Renders one progress sample as a line that fits the given width. */
export function renderProgressLine(p: RunProgress, width: number): string {
  const barWidth = 24;
  const filled = Math.round((p.percent / 100) * barWidth);
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  const parts = [
    `${bar} ${p.percent.toFixed(0).padStart(3)}%`,
    // The bytes name their destination when the percent covers several; sources are steps of one.
    progressBytes(p) ?? '',
    p.steps > 1 ? `source ${p.step} of ${p.steps}` : '',
    p.totalBytes > 0 ? formatSpeed(p.speed) : '',
    p.eta !== null ? `ETA ${formatDuration(p.eta)}` : '',
    p.current[0]?.name ?? '',
  ].filter(Boolean);
  const line = parts.join(' · ');
  const chars = [...line];
  return chars.length > width ? chars.slice(0, width - 1).join('') + '…' : line;
}

/** Draws progress on stderr: in place on a TTY, a line every few seconds otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  let lastPlain = 0;
  let drawn = false;
  return {
    update(p: RunProgress) {
      if (stream.isTTY) {
        stream.write('\r\x1b[2K' + renderProgressLine(p, (stream.columns || 80) - 1));
        drawn = true;
      } else if (Date.now() - lastPlain > 5000 || p.percent >= 100) {
        lastPlain = Date.now();
        stream.write(renderProgressLine(p, 200) + '\n');
      }
    },
    done() {
      if (drawn && stream.isTTY) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

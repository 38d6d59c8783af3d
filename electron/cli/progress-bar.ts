// A one-line terminal progress bar for `reprise run`, redrawn in place on a TTY.
import { formatDuration, formatSpeed, progressBytes, progressWhere, retryLine } from '../../shared/format.js';
import type { RunProgress } from '../../shared/model.js';

/** Renders one progress sample as a line that fits the given width; a retry wait replaces the figures. */
export function renderProgressLine(p: RunProgress, width: number, retryLeftMs?: number): string {
  const barWidth = 24;
  const filled = Math.round((p.percent / 100) * barWidth);
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  const parts = p.retry
    ? [`${bar} ${String(Math.floor(p.percent)).padStart(3)}%`, retryLine(p.retry, retryLeftMs ?? p.retry.delayMs), progressWhere(p)]
    : [
        // With several destinations the percent is the whole run's and the bytes one destination's.
        `${bar} ${String(Math.floor(p.percent)).padStart(3)}%${p.destCount > 1 ? ' of the run' : ''}`,
        // The bytes name their destination when the percent covers several; sources are steps of one.
        progressBytes(p) ?? '',
        p.steps > 1 ? `source ${p.step} of ${p.steps}` : '',
        p.totalBytes > 0 ? formatSpeed(p.speed) : '',
        p.eta !== null ? `ETA ${formatDuration(p.eta)}` : '',
        p.current[0]?.name ?? '',
      ];
  const line = parts.filter(Boolean).join(' · ');
  const chars = [...line];
  return chars.length > width ? chars.slice(0, width - 1).join('') + '…' : line;
}

/** Draws progress on stderr: in place on a TTY, a line every few seconds otherwise (a retry and reaching 100 % at once). */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  let lastPlain = 0;
  // Off a terminal, 100 % is said once: the samples that follow it while the run finishes (the
  // record, the trim, the links) would each print the same full bar again.
  let saidFull = false;
  let drawn = false;
  let waiting: { p: RunProgress; since: number; timer: NodeJS.Timeout } | null = null;
  const draw = (p: RunProgress, leftMs?: number) => {
    stream.write('\r\x1b[2K' + renderProgressLine(p, (stream.columns || 80) - 1, leftMs));
    drawn = true;
  };
  const stopCountdown = () => {
    if (waiting) clearInterval(waiting.timer);
    waiting = null;
  };
  return {
    update(p: RunProgress) {
      stopCountdown();
      if (stream.isTTY) {
        draw(p);
        if (p.retry) {
          // Count the wait down in place, once a second.
          const since = Date.now();
          const retry = p.retry;
          const timer = setInterval(() => draw(p, retry.delayMs - (Date.now() - since)), 1000);
          timer.unref();
          waiting = { p, since, timer };
        }
      } else {
        const full = p.percent >= 100;
        if (!full) saidFull = false;
        if (p.retry || (full ? !saidFull : Date.now() - lastPlain > 5000)) {
          lastPlain = Date.now();
          saidFull = full;
          stream.write(renderProgressLine(p, 200) + '\n');
        }
      }
    },
    done() {
      stopCountdown();
      if (drawn && stream.isTTY) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}

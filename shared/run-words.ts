// A run's problem and its log in plain words, for the Dashboard, History and the CLI. Tools speak
// in JSON lines ({"level":"error","msg":"Failed to copy: context canceled","object":"A/1.flac"…})
// and stats blobs with escaped newlines; people read sentences, one line per event.
import type { Outcome } from './model.js';
import { formatBytes, formatDuration, formatSpeed, plural } from './format.js';
import { outcomeWords } from './outcome-words.js';

/**
 * What a run moved, for a card: "10.5 MB · 6 files copied to 2 destinations"; "to 1 of 2
 * destinations" when only some received files (the other cancelled, failed or already up to date);
 * "nothing had changed" when a run that succeeded copied nothing.
 */
export function runFigures(run: { readonly outcome: Outcome; readonly bytes: number; readonly files: number; readonly destinations: readonly { readonly files: number }[] }): string {
  if (run.files === 0 && run.outcome === 'success') return run.destinations.length > 1 ? `nothing had changed · ${run.destinations.length} destinations up to date` : 'nothing had changed';
  const dests = run.destinations.length;
  const reached = run.destinations.filter((d) => d.files > 0).length;
  const where = dests <= 1 || reached === 0 ? '' : reached < dests ? ` to ${reached} of ${dests} destinations` : ` to ${dests} destinations`;
  return `${formatBytes(run.bytes)} · ${plural(run.files, 'file')} copied${where}`;
}

/** What the user reads about a run that did not simply succeed; null when there is nothing to say. */
export function runProblem(run: { readonly outcome: Outcome; readonly firstError: string | null }): string | null {
  switch (run.outcome) {
    case 'cancelled':
      return 'Cancelled before it finished. What was copied stays; the next backup carries on from there.';
    case 'interrupted':
      return 'Interrupted: Reprise stopped while this backup ran (it was quit, crashed or the computer went off). The next backup finishes the job.';
    case 'skipped':
      return run.firstError ? plainError(run.firstError) : 'The destination was not there (a drive not plugged in?). Nothing was changed.';
    case 'failed':
    case 'partial':
      return run.firstError ? plainError(run.firstError) : run.outcome === 'failed' ? 'The backup failed; History has its log.' : 'Some files could not be backed up; History has the list.';
    default:
      return null;
  }
}

const TIMESTAMP = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\s+(?:(?:ERROR|NOTICE|INFO|DEBUG|CRITICAL)\s*:\s*)?/;

/** One error text from a tool made readable: a JSON log line becomes "object: message", timestamps go. */
export function plainError(text: string): string {
  let t = text.trim();
  const json = t.startsWith('{') ? parseObject(t) : null;
  if (json) {
    const msg = typeof json.msg === 'string' ? json.msg.trim() : '';
    const object = typeof json.object === 'string' ? json.object : '';
    t = object && msg ? `${object}: ${msg}` : msg || t;
  }
  t = t.replace(TIMESTAMP, '').replace(/\s+/g, ' ').trim();
  // "A/1.flac: Failed to copy: mkdir …" reads better the way a person would say it.
  t = t.replace(/^(.+?): Failed to copy: (?!context canceled$)(.+)$/i, 'Could not copy $1: $2');
  // rclone's words for being stopped are not an error the user made.
  t = t.replace(/: (?:Failed to copy: )?context canceled$/i, ': stopped before it was copied');
  return t.length > 400 ? `${t.slice(0, 399)}…` : t;
}

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** One line of a run's log as shown in History. */
export interface LogLine {
  readonly time: string | null;
  readonly level: 'error' | 'warning' | 'info' | 'progress' | 'note';
  readonly text: string;
}

const RUN_START = /^Reprise run (\d+) of job (".*?")( \(dry run\))? started (\d{4}-\d\d-\d\dT[\d:.]+Z)$/;
const DEST_END = /^destination (.+?): (running|success|partial|failed|cancelled|interrupted|skipped)(?: — (.*))?$/;

/** Reprise's own notes in the window's words: the start at its time, a destination's end as its outcome. */
function readableNote(note: string): LogLine {
  const start = RUN_START.exec(note);
  if (start) return { time: start[4]!, level: 'note', text: `Run ${start[1]} of ${start[2]}${start[3] ? ' (a dry run)' : ''} started` };
  const end = DEST_END.exec(note);
  if (end) {
    const outcome = end[2] as Outcome;
    const why = end[3] ? ` — ${outcome === 'cancelled' ? end[3] : plainError(end[3])}` : '';
    return { time: null, level: outcome === 'failed' || outcome === 'partial' ? 'error' : 'note', text: `${end[1]}: ${outcomeWords[outcome]}${why}` };
  }
  return { time: null, level: /^failed/.test(note) ? 'error' : 'note', text: note };
}

/**
 * A run's log, one readable line per event: Reprise's own `# …` notes, rclone's JSON lines as
 * "Copied (new): Björk/01 Jóga.flac", stats blobs as one progress line, rsync's lines as they are.
 * Stats are many (one a second): only every `statsEvery`-th and the last are kept.
 */
export function readableLog(text: string, statsEvery = 10): LogLine[] {
  const out: LogLine[] = [];
  let stats: LogLine | null = null;
  let statsSeen = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '') continue;
    if (line.startsWith('# ')) {
      // A note marks a step's end: the step's last progress belongs before it.
      if (stats) out.push(stats);
      stats = null;
      out.push(readableNote(line.slice(2)));
      continue;
    }
    const json = line.startsWith('{') ? parseObject(line) : null;
    if (!json) {
      out.push({ time: null, level: /error|failed/i.test(line) ? 'error' : 'info', text: line.replace(TIMESTAMP, '') });
      continue;
    }
    const time = typeof json.time === 'string' ? json.time : null;
    if (json.stats && typeof json.stats === 'object') {
      const s = json.stats as Record<string, number>;
      const parts = [`${formatBytes(s.bytes ?? 0)} of ${formatBytes(s.totalBytes ?? 0)}`, `${s.transfers ?? 0} of ${s.totalTransfers ?? 0} files`, formatSpeed(s.speed ?? 0)];
      if ((s.errors ?? 0) > 0) parts.push(`${s.errors} error${s.errors === 1 ? '' : 's'}`);
      if (typeof s.elapsedTime === 'number') parts.push(`after ${formatDuration(s.elapsedTime)}`);
      stats = { time, level: 'progress', text: `Progress: ${parts.join(' · ')}` };
      if (statsSeen++ % statsEvery === 0) {
        out.push(stats);
        stats = null;
      }
      continue;
    }
    const level = typeof json.level === 'string' ? json.level : 'info';
    const msg = typeof json.msg === 'string' ? json.msg.trim() : '';
    const object = typeof json.object === 'string' ? json.object : '';
    const isError = level === 'error' || level === 'critical';
    // "Copied (new): Björk/01 Jóga.flac"; an error names its file first, as plainError does.
    const text = !object ? msg : isError ? `${object}: ${msg}` : `${msg.replace(/:$/, '')}: ${object}`;
    out.push({ time, level: isError ? 'error' : level === 'warning' ? 'warning' : 'info', text });
  }
  if (stats) out.push(stats);
  return out;
}

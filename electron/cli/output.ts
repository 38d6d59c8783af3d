// Printing for the CLI: tables for people, JSON for scripts, errors in plain words.
import type { AppError } from '../../shared/result.js';

/** Prints a value as JSON (one document) to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** Prints one NDJSON event line to stdout. */
export function printEvent(event: string, payload: unknown): void {
  process.stdout.write(JSON.stringify({ event, ...(payload as object) }) + '\n');
}

/** Prints rows as an aligned table with a header. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd();
  process.stdout.write(line(headers) + '\n');
  for (const r of rows) process.stdout.write(line(r) + '\n');
}

/** Prints an error for a person (stderr) or a script (--json: stdout document). */
export function printError(error: AppError, json: boolean): void {
  if (json) {
    printJson({ ok: false, error });
    return;
  }
  let text = `reprise: ${error.message}\n`;
  if (error.hint) text += `  ${error.hint}\n`;
  if (error.detail) text += error.detail.split('\n').map((l) => `  | ${l}`).join('\n') + '\n';
  process.stderr.write(text);
}

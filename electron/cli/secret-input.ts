// Option values given as "-" on the command line (`pass=-`) are read here instead, so a password
// never sits in the process list or the shell history: a hidden prompt on a terminal, otherwise
// one line of standard input per such value, in order (`printf '%s\n' "$PASS" | reprise …`).
import { CliFailure, exitCodes } from './context.js';

/** Reads all of a non-terminal stdin. */
async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return text;
}

/** Asks for one value on a terminal without echoing it. */
function promptHidden(question: string, stdin: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    out.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new CliFailure({ kind: 'cancelled', message: 'Cancelled; nothing was saved.' }, exitCodes.cancelled));
          return;
        }
        value = ch === '\u007f' || ch === '\b' ? [...value].slice(0, -1).join('') : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Replaces every "-" value with what the user types (terminal) or pipes in (one line each). */
export async function fillDashValues(
  options: Readonly<Record<string, string>>,
  what: string,
  stdin: NodeJS.ReadStream = process.stdin,
  out: NodeJS.WriteStream = process.stderr,
): Promise<Record<string, string>> {
  const keys = Object.keys(options).filter((k) => options[k] === '-');
  if (keys.length === 0) return { ...options };
  const filled: Record<string, string> = { ...options };
  if (stdin.isTTY) {
    for (const key of keys) filled[key] = await promptHidden(`${key} for ${what}: `, stdin, out);
  } else {
    const lines = (await readAll(stdin)).split(/\r?\n/);
    if (lines.length - (lines.at(-1) === '' ? 1 : 0) < keys.length) {
      throw new CliFailure(
        { kind: 'invalid-request', message: `Expected ${keys.length} line(s) on standard input for ${keys.join(', ')}.`, hint: 'Pipe one value per line, or run in a terminal to be asked.' },
        exitCodes.usage,
      );
    }
    keys.forEach((key, i) => (filled[key] = lines[i]!));
  }
  for (const key of keys) {
    if (filled[key] === '') throw new CliFailure({ kind: 'invalid-request', message: `No value was given for ${key}.` }, exitCodes.usage);
  }
  return filled;
}

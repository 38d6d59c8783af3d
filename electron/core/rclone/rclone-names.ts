// The names rclone uses for files in its lists, logs and --files-from-raw (local files, and what it
// lists on a remote source), which are not always the files' own names. rclone writes control
// characters as their symbols (a tab as U+2409 "␉", a newline as U+240A, DEL as U+2421) and marks
// such a symbol standing for itself with its quote mark U+201B "‛" (the quote mark itself too). Bytes that are not UTF-8 are kept as they are (its JSON
// output shows them as U+FFFD). A remote it copies to lists the same names. So a record path given to
// rclone as it is names another file or none, and one read back from rclone as it is names the wrong one.
// (rclone 1.60 cannot open a local file whose name holds the quote mark: such a file is reported
// unreadable by the run, under its own name.)

/** Quote mark, as UTF-8 bytes in a binary (latin1) string. */
const QUOTE = '\xe2\x80\x9b';
/** What must change in a name's bytes: control characters and DEL; their symbols and the quote mark standing for themselves. */
const TO_ENCODE = /[\x01-\x1f\x7f]|\xe2\x90[\x81-\x9f\xa1]|\xe2\x80\x9b/g;
const MAYBE = /[\x01-\x1f\x7f\xe2]/;

/** The symbol for a control character (0x01–0x1F, DEL) as UTF-8 bytes in a binary string. */
function symbolBytes(c: number): string {
  return Buffer.from(String.fromCharCode(c === 0x7f ? 0x2421 : 0x2400 + c), 'utf8').toString('latin1');
}

/**
 * A path as rclone names it (both binary strings: bytes that are not UTF-8 stay as they are), for a
 * list rclone reads (--files-from-raw) or a key to look its listings up by.
 */
export function toRcloneName(path: string): string {
  if (!MAYBE.test(path)) return path;
  return path.replace(TO_ENCODE, (m) => (m.length === 1 ? symbolBytes(m.charCodeAt(0)) : `${QUOTE}${m}`));
}

/**
 * A path as rclone wrote it (text, as its JSON output holds it) back as the text of its own name:
 * symbols become the control characters they stand for, and a quoted character itself. Bytes that
 * were not UTF-8 are lost already (U+FFFD): such a name is not known for sure.
 */
export function fromRcloneName(text: string): string {
  if (!/[\u2401-\u241f\u2421\u201b]/.test(text)) return text;
  return text.replace(/\u201b([\s\S])|([\u2401-\u241f\u2421])/gu, (_, quoted: string | undefined, symbol: string | undefined) => {
    if (quoted !== undefined) return quoted;
    const c = symbol!.charCodeAt(0);
    return String.fromCharCode(c === 0x2421 ? 0x7f : c - 0x2400);
  });
}

// Splits a byte stream into lines on \n, \r\n and bare \r (rsync and rclone redraw with \r).

/** Returns a push function that feeds chunks and calls onLine for each complete line; flush() ends it. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk: string) {
      rest += chunk;
      // indexOf runs in native code; a char-by-char loop here cost more than rclone's JSON parsing.
      let start = 0;
      let nl = rest.indexOf('\n');
      let cr = rest.indexOf('\r');
      while (nl !== -1 || cr !== -1) {
        const end = nl === -1 ? cr : cr === -1 ? nl : Math.min(nl, cr);
        if (end > start) onLine(rest.slice(start, end));
        start = end + 1;
        if (nl !== -1 && nl < start) nl = rest.indexOf('\n', start);
        if (cr !== -1 && cr < start) cr = rest.indexOf('\r', start);
      }
      rest = rest.slice(start);
    },
    flush() {
      if (rest.length > 0) onLine(rest);
      rest = '';
    },
  };
}

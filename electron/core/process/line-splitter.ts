// Splits a byte stream into lines on \n, \r\n and bare \r (rsync and rclone redraw with \r).

/** Returns a push function that feeds chunks and calls onLine for each complete line; flush() ends it. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let rest = '';
  return {
    push(chunk: string) {
      rest += chunk;
      let start = 0;
      for (let i = 0; i < rest.length; i++) {
        const c = rest.charCodeAt(i);
        if (c === 10 || c === 13) {
          if (i > start) onLine(rest.slice(start, i));
          start = i + 1;
        }
      }
      rest = rest.slice(start);
    },
    flush() {
      if (rest.length > 0) onLine(rest);
      rest = '';
    },
  };
}

import { appendFileSync, existsSync, readdirSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPrivateLog, tailLogFile } from '../../../electron/core/process/log-tail.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

describe('log tail', () => {
  it('delivers every appended line, whole characters across reads, then removes the private file', async () => {
    const file = join(tempDir(), 'rclone.log');
    const lines: string[] = [];
    const tail = tailLogFile(file, (l) => lines.push(l), 5);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bjork = Buffer.from('{"object":"Björk/Homogenic/01 Hunter.flac"}\n');
    // Append "ö" split across two writes, with a read possibly in between.
    const cut = bjork.indexOf(0xc3) + 1;
    appendFileSync(file, bjork.subarray(0, cut));
    tail.drain();
    expect(lines).toEqual([]);
    appendFileSync(file, bjork.subarray(cut));
    appendFileSync(file, 'second line\nno newline at the end');
    tail.finish();
    expect(lines).toEqual(['{"object":"Björk/Homogenic/01 Hunter.flac"}', 'second line', 'no newline at the end']);
    expect(existsSync(file)).toBe(false);
  });
});

describe('private log', () => {
  it('has no name on disk from the start, yet delivers what the child writes to its descriptor', () => {
    const before = new Set(readdirSync(tmpdir()));
    const lines: string[] = [];
    const log = openPrivateLog('rclone', (l) => lines.push(l), 5);
    expect(readdirSync(tmpdir()).filter((f) => !before.has(f) && f.startsWith(`reprise-rclone-${process.pid}-`))).toEqual([]);
    writeSync(log.fd, '{"level":"warning","msg":"one"}\nSigur Rós\n');
    log.drain();
    writeSync(log.fd, 'tail without newline');
    log.finish();
    expect(lines).toEqual(['{"level":"warning","msg":"one"}', 'Sigur Rós', 'tail without newline']);
    log.finish(); // safe twice
  });
});

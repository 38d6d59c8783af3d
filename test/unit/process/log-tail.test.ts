import { appendFileSync, existsSync, readdirSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

describe('a gated private log (a first snapshot reads rsync only as the record takes its sums)', () => {
  // The tail's timer is driven by fake timers: what it does on each tick is checked, not how long it waits.
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads nothing while the gate is shut, a chunk at a time while it is open, and readToEnd ends at the end', async () => {
    const lines: string[] = [];
    let open = false;
    const log = openPrivateLog('rsync', (l) => lines.push(l), 5, () => open);
    // More than one 1 MiB read: the gate is asked before each.
    const line = `${'x'.repeat(99)}\n`;
    for (let i = 0; i < 30_000; i++) writeSync(log.fd, line);
    log.drain();
    vi.advanceTimersByTime(50); // ten ticks of the timer
    expect(lines).toHaveLength(0);
    // Open for one read: the gate shuts again once a chunk's lines are in.
    let reads = 0;
    const gated = openPrivateLog('rsync', () => {}, 1_000_000, () => reads++ < 1);
    for (let i = 0; i < 30_000; i++) writeSync(gated.fd, line);
    gated.drain();
    expect(reads).toBe(2);
    gated.finish();
    open = true;
    await log.readToEnd();
    expect(lines).toHaveLength(30_000);
    expect(lines.every((l) => l === line.slice(0, -1))).toBe(true);
    log.finish(); // already ended: safe
  });

  it('readToEnd waits while the gate is shut, and ends on the tick after it opens', async () => {
    const lines: string[] = [];
    let open = false;
    const log = openPrivateLog('rsync', (l) => lines.push(l), 5, () => open);
    writeSync(log.fd, 'a\nb\n');
    let ended = false;
    const done = log.readToEnd().then(() => (ended = true));
    vi.advanceTimersByTime(50);
    await Promise.resolve();
    expect(ended).toBe(false);
    expect(lines).toEqual([]);
    open = true;
    vi.advanceTimersByTime(5);
    await done;
    expect(lines).toEqual(['a', 'b']);
  });
});

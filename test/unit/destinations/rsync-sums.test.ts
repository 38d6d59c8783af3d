// rsync's per-file MD5 lines, read back into record paths, and handed to the record in its own
// order with a bounded wait (see rsync-sums.ts). The whole path through real rsync is
// test/integration/destinations/snapshot-sums.test.ts.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { RsyncSums, parseSumLine, rsyncSumsMd5, unescapeRsyncName } from '../../../electron/core/destinations/snapshot/rsync-sums.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';

describe("rsync's sum lines", () => {
  it('reads a sent file\'s sum and its name, undoing rsync\'s \\#ooo escapes byte for byte', () => {
    expect(parseSumLine(`>f+++++++++ ${A} Artist/Album/01 Track.flac`)).toEqual({ name: 'Artist/Album/01 Track.flac', md5: A });
    // Latin-1 é, a newline, rsync's own escape written literally (its backslash escaped), and a tab.
    expect(parseSumLine(`>f+++++++++ ${A} caf\\#351 new\\#012line lit\\#134#123x\ttab`)).toEqual({ name: 'caf\xe9 new\nline lit\\#123x\ttab', md5: A });
    // Spaces at either end are part of the name.
    expect(parseSumLine(`>f+++++++++ ${A}  lead and trail `)).toEqual({ name: ' lead and trail ', md5: A });
    // A file sent again over an older one (an interrupted run's staging copy) is a sent file too.
    expect(parseSumLine(`>f.st...... ${B} x`)).toEqual({ name: 'x', md5: B });
    expect(unescapeRsyncName('\\#303\\#251')).toBe(Buffer.from('é').toString('latin1'));
  });

  it('knows rsync\'s other per-entry lines, and leaves everything else to the caller', () => {
    expect(parseSumLine('cd+++++++++                                  Artist/')).toBe('itemized');
    expect(parseSumLine('hf+++++++++                                  Artist/hard link')).toBe('itemized');
    expect(parseSumLine('cL+++++++++                                  favourite -> 01.flac')).toBe('itemized');
    expect(parseSumLine('created directory /snapshots/.reprise-staging/music')).toBeNull();
    expect(parseSumLine('      1,234,567  42%   10.00MB/s    0:00:01 (xfr#3, to-chk=7/10)')).toBeNull();
    expect(parseSumLine('Number of files: 10 (reg: 8, dir: 2)')).toBeNull();
  });
});

describe('handing the sums to the record', () => {
  it('gives a sum that came before it was asked for, and waits for one that comes later', async () => {
    const s = new RsyncSums();
    expect(s.line(`>f+++++++++ ${A} b`, 'music')).toBe(true);
    expect(s.line('cd+++++++++                                  sub/', 'music')).toBe(true);
    expect(s.line('sent 1,234 bytes  received 56 bytes', 'music')).toBe(false);
    expect(s.take('music/b')).toBe(A);
    const later = s.take('music/c');
    expect(later).toBeInstanceOf(Promise);
    s.add('music/d', A);
    s.add('music/c', B);
    expect(await later).toBe(B);
    expect(s.take('music/d')).toBe(A);
    expect(s.counts).toEqual({ fromRsync: 3, read: 0 });
  });

  it('stops waiting when rsync ends, is far enough ahead, or the run stops: that file is read instead', async () => {
    const s = new RsyncSums(2);
    const never = s.take('music/linked-from-an-earlier-run');
    s.add('music/x', A);
    s.add('music/y', A); // two sums wait now: rsync has passed the asked path by
    expect(await never).toBeUndefined();
    // Ahead by the limit: no wait at all.
    expect(s.take('music/also-not-sent')).toBeUndefined();
    expect(s.take('music/x')).toBe(A);

    const stopped = new AbortController();
    const waiting = s.take('music/z', stopped.signal);
    stopped.abort();
    expect(await waiting).toBeUndefined();

    const atEnd = s.take('music/w');
    s.end();
    expect(await atEnd).toBeUndefined();
    expect(s.take('music/v')).toBeUndefined();
    expect(s.take('music/y')).toBe(A);
    expect(s.counts).toEqual({ fromRsync: 2, read: 5 });
  });

  it('holds at most twice the limit; beyond that sums are dropped and those files read', () => {
    const s = new RsyncSums(2);
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) s.add(`music/${n}`, A);
    expect(s.dropped).toBe(2);
    expect(s.unclaimed).toBe(6);
    expect(s.take('music/d')).toBe(A);
    expect(s.take('music/e')).toBeUndefined();
  });
});

describe('which rsync can sum in MD5', () => {
  const fake = (name: string, version: string): string => {
    const file = join(tempDir(), name);
    writeFileSync(file, `#!/bin/sh\ncat <<'EOF'\n${version}\nEOF\n`);
    chmodSync(file, 0o755);
    return file;
  };
  const children = new ChildRunner();

  it('the installed rsync does; 3.1 (no checksum list), a list without md5 and a missing rsync do not', async () => {
    expect(await rsyncSumsMd5(children, 'rsync')).toBe(true);
    expect(await rsyncSumsMd5(children, fake('rsync-3.1', 'rsync  version 3.1.3  protocol version 31\nCapabilities:\n    64-bit files, 64-bit inums'))).toBe(false);
    expect(await rsyncSumsMd5(children, fake('rsync-3.2.0', 'rsync  version 3.2.0  protocol version 31\nChecksum list:\n    xxh128 xxh64 md5 md4 none'))).toBe(true);
    expect(await rsyncSumsMd5(children, fake('rsync-nomd5', 'rsync  version 3.4.0  protocol version 32\nChecksum list:\n    xxh128 xxh3 sha1 none'))).toBe(false);
    expect(await rsyncSumsMd5(children, '/nonexistent/rsync')).toBe(false);
  });
});

// rsync's per-file MD5 lines, read back into record paths, and handed to the record in its own
// order with a bounded wait (see rsync-sums.ts). The whole path through real rsync is
// test/integration/destinations/snapshot-sums.test.ts.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChildRunner } from '../../../electron/core/process/child.js';
import { RsyncSums, type Sent, parseSumLine, rsyncSumsMd5, sentDiffers, unescapeRsyncName } from '../../../electron/core/destinations/snapshot/rsync-sums.js';
import { cleanupTempDirs, tempDir } from '../../support/tmp.js';

afterAll(cleanupTempDirs);

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';
const sent = (md5: string): Sent => ({ md5, size: 1, mtimeSec: 0 });
const T = '2026/11/22-10:04:05'; // as rsync prints %M with TZ=UTC
const TS = Date.UTC(2026, 10, 22, 10, 4, 5) / 1000;

describe("rsync's sum lines", () => {
  it("reads a sent file's size, time, sum and name, undoing rsync's \\#ooo escapes byte for byte", () => {
    expect(parseSumLine(`>f+++++++++ 30000 ${T} ${A} Artist/Album/01 Track.flac`)).toEqual({ name: 'Artist/Album/01 Track.flac', md5: A, size: 30000, mtimeSec: TS });
    // Latin-1 é, a newline, rsync's own escape written literally (its backslash escaped), and a tab.
    expect(parseSumLine(`>f+++++++++ 0 ${T} ${A} caf\\#351 new\\#012line lit\\#134#123x\ttab`)).toMatchObject({ name: 'caf\xe9 new\nline lit\\#123x\ttab', md5: A, size: 0 });
    // Spaces at either end are part of the name.
    expect(parseSumLine(`>f+++++++++ 7 ${T} ${A}  lead and trail `)).toMatchObject({ name: ' lead and trail ' });
    // A file sent again over an older one (an interrupted run's staging copy) is a sent file too.
    expect(parseSumLine(`>f.st...... 1,234 ${T} ${B} x`)).toBe('itemized');
    expect(parseSumLine(`>f.st...... 1234 ${T} ${B} x`)).toEqual({ name: 'x', md5: B, size: 1234, mtimeSec: TS });
    expect(unescapeRsyncName('\\#303\\#251')).toBe(Buffer.from('é').toString('latin1'));
  });

  it("knows rsync's other per-entry lines, and leaves everything else to the caller", () => {
    expect(parseSumLine('cd+++++++++ 4096 2026/11/22-10:04:05                                  Artist/')).toBe('itemized');
    expect(parseSumLine('hf+++++++++ 100 2026/11/22-10:04:05                                  Artist/hard link')).toBe('itemized');
    expect(parseSumLine('cL+++++++++ 7 2026/11/22-10:04:05                                  favourite -> 01.flac')).toBe('itemized');
    expect(parseSumLine('created directory /snapshots/.reprise-staging/music')).toBeNull();
    expect(parseSumLine('      1,234,567  42%   10.00MB/s    0:00:01 (xfr#3, to-chk=7/10)')).toBeNull();
    expect(parseSumLine('Number of files: 10 (reg: 8, dir: 2)')).toBeNull();
  });

  it('tells a file sent in another state than recorded: another size, or another second', () => {
    const s: Sent = { md5: A, size: 100, mtimeSec: 1_700_000_000 };
    expect(sentDiffers(s, 100, '1700000000999999999')).toBe(false);
    expect(sentDiffers(s, 101, '1700000000000000000')).toBe(true);
    expect(sentDiffers(s, 100, '1700000001000000000')).toBe(true);
    // Before 1970 a time rounds down to its second, as rsync prints it.
    expect(sentDiffers({ md5: A, size: 1, mtimeSec: -2 }, 1, '-1500000000')).toBe(false);
    expect(sentDiffers({ md5: A, size: 1, mtimeSec: -1 }, 1, '-1000000000')).toBe(false);
  });
});

describe('handing the sums to the record', () => {
  it('gives a sum that came before it was asked for, and waits for one that comes later', async () => {
    const s = new RsyncSums();
    s.add('music/b', sent(A));
    expect(s.take('music/b')).toEqual(sent(A));
    const later = s.take('music/c');
    expect(later).toBeInstanceOf(Promise);
    s.add('music/d', sent(A));
    s.add('music/c', sent(B));
    expect(await later).toEqual(sent(B));
    expect(s.take('music/d')).toEqual(sent(A));
    expect(s.counts).toEqual({ fromRsync: 3, read: 0 });
  });

  it('stops waiting when rsync ends, is far enough ahead, or the run stops: that file is read instead', async () => {
    const s = new RsyncSums(2);
    const never = s.take('music/linked-from-an-earlier-run');
    s.add('music/x', sent(A));
    s.add('music/y', sent(A)); // two sums wait now: rsync has passed the asked path by
    expect(await never).toBeUndefined();
    // Ahead by the limit: no wait at all.
    expect(s.take('music/also-not-sent')).toBeUndefined();
    expect(s.take('music/x')).toEqual(sent(A));

    const stopped = new AbortController();
    const waiting = s.take('music/z', stopped.signal);
    stopped.abort();
    expect(await waiting).toBeUndefined();

    const atEnd = s.take('music/w');
    s.end();
    expect(await atEnd).toBeUndefined();
    expect(s.take('music/v')).toBeUndefined();
    expect(s.take('music/y')).toEqual(sent(A));
    expect(s.counts).toEqual({ fromRsync: 2, read: 5 });
  });

  it('holds at most twice the limit; beyond that sums are dropped and those files read', () => {
    const s = new RsyncSums(2);
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) s.add(`music/${n}`, sent(A));
    expect(s.dropped).toBe(2);
    expect(s.unclaimed).toBe(6);
    expect(s.take('music/d')).toEqual(sent(A));
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

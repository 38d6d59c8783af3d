// Pure parsers of the remotes area, on output captured from rclone 1.60.1.
import { describe, expect, it } from 'vitest';
import { parseConfigStep } from '../../../electron/core/remotes/config-file.js';
import { parseListLine } from '../../../electron/core/remotes/listing.js';
import { findAuthLink, findPastedToken } from '../../../electron/core/remotes/oauth.js';
import { parseListeningLine } from '../../../electron/core/remotes/rcd.js';
import { sortEntries } from '../../../shared/remotes/sort-entries.js';

describe('parseListLine', () => {
  it('reads one item a line and skips the brackets', () => {
    expect(parseListLine('[')).toBeUndefined();
    expect(parseListLine(']')).toBeUndefined();
    expect(parseListLine('{"Path":"Björk","Name":"Björk","Size":-1,"MimeType":"inode/directory","ModTime":"2026-11-22T11:15:57.1+00:00","IsDir":true},')).toEqual({ name: 'Björk', isDir: true, size: -1, modTime: '2026-11-22T11:15:57.1+00:00' });
    expect(parseListLine('{"Path":"a.flac","Name":"a.flac","Size":1000,"ModTime":"2026-11-22T11:15:57Z","IsDir":false}')).toMatchObject({ name: 'a.flac', size: 1000, isDir: false });
  });
});

describe('parseConfigStep', () => {
  it('tells a finished step from a question (rclone config create --non-interactive)', () => {
    expect(parseConfigStep('{\n\t"State": "",\n\t"Option": null,\n\t"Error": "",\n\t"Result": ""\n}\n')).toEqual({ kind: 'done' });
    const q = parseConfigStep('{"State":"*oauth-islocal,teamdrive,,","Option":{"Name":"config_is_local","Help":"Use auto config?","DefaultStr":"true","Type":"bool"},"Error":"","Result":""}');
    expect(q).toMatchObject({ kind: 'question', question: { state: '*oauth-islocal,teamdrive,,', option: { Name: 'config_is_local' } } });
  });
});

describe('rclone authorize output', () => {
  const log = '2026/11/22 11:07:40 NOTICE: Please go to the following link: http://127.0.0.1:53682/auth?state=TqIMaWJ7L671HXPWq0We2Q\n2026/11/22 11:07:40 NOTICE: Log in and authorize rclone for access\n2026/11/22 11:07:40 NOTICE: Waiting for code...\n';
  it('finds the sign-in link in the log', () => {
    expect(findAuthLink(log)).toBe('http://127.0.0.1:53682/auth?state=TqIMaWJ7L671HXPWq0We2Q');
    expect(findAuthLink('Waiting')).toBeUndefined();
  });
  it('finds the token only once the paste block is complete', () => {
    const start = 'Paste the following into your remote machine --->\n{"access_token":"x","token_type":"Bearer"}\n';
    expect(findPastedToken(start)).toBeUndefined();
    expect(findPastedToken(`${start}<---End paste\n`)).toBe('{"access_token":"x","token_type":"Bearer"}');
  });
});

describe('small parsers', () => {
  it('reads the rcd listening line', () => {
    expect(parseListeningLine('2026/11/22 NOTICE: Serving remote control on http://127.0.0.1:41234/\n')).toBe('http://127.0.0.1:41234/');
  });
  it('sorts folders first, names naturally, by size or date both ways', () => {
    const e = (name: string, isDir: boolean, size: number, modTime: string) => ({ name, isDir, size, modTime });
    const list = [e('track 10.flac', false, 5, '2026-01-03'), e('track 2.flac', false, 9, '2026-01-01'), e('Zed', true, -1, '2026-01-02'), e('alpha', true, -1, '2026-01-04')];
    expect(sortEntries(list, 'name', false).map((x) => x.name)).toEqual(['alpha', 'Zed', 'track 2.flac', 'track 10.flac']);
    expect(sortEntries(list, 'size', true).map((x) => x.name)).toEqual(['Zed', 'alpha', 'track 2.flac', 'track 10.flac']);
    expect(sortEntries(list, 'modTime', false).map((x) => x.name)).toEqual(['Zed', 'alpha', 'track 2.flac', 'track 10.flac']);
  });
});

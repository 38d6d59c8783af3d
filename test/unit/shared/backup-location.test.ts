import { describe, expect, it } from 'vitest';
import { type BrowsedPlace, comparePointIds, findInPicker, locateInBackup, versionIndexFor } from '../../../shared/backup-location.js';
import type { SourceIndex } from '../../../shared/restore.js';
import type { Destination, Job } from '../../../shared/model.js';

const job = (id: string, name: string, destinations: Destination[]): Job => ({
  id,
  name,
  sources: ['/home/me/music'],
  destinations,
  excludes: [],
  schedule: null,
  bwlimit: null,
  createdAt: '2026-11-01T00:00:00Z',
});

const jobs: Job[] = [
  job('j1', 'Music', [
    { id: 'm1', kind: 'mirror', target: 'NAS:backup' },
    { id: 's1', kind: 'snapshot', target: '/mnt/nas/Snapshots/' },
  ]),
  job('j2', 'Photos', [{ id: 'c1', kind: 'copy', target: 'b2:photos-copy' }]),
  job('j3', 'Björk fan club', [{ id: 'm2', kind: 'mirror', target: 'dav:/Sigur Rós/mirror/' }]),
];
const WALL = 'music/Pink Floyd/The Wall (1979)';
const RUN = '2026-11-22T030000Z';
const r = (remote: string, path: string): BrowsedPlace => ({ remote, path });

describe('locateInBackup', () => {
  it.each<[string, BrowsedPlace, unknown]>([
    ['mirror current/ album', r('NAS', `backup/current/${WALL}`), { kind: 'restorable', jobId: 'j1', destId: 'm1', destKind: 'mirror', at: { kind: 'latest' }, itemPath: WALL }],
    ['mirror current/ itself', r('NAS', 'backup/current'), { kind: 'restorable', destId: 'm1', at: { kind: 'latest' }, itemPath: null }],
    ['mirror root', r('NAS', 'backup'), { kind: 'restorable', destId: 'm1', at: { kind: 'latest' }, itemPath: null }],
    ['mirror versions/<run>/ album', r('NAS', `backup/versions/${RUN}/${WALL}`), { destId: 'm1', at: { kind: 'replaced-by', run: RUN }, itemPath: WALL }],
    ['mirror versions/<run>-2/ source', r('NAS', `backup/versions/${RUN}-2/music`), { at: { kind: 'replaced-by', run: `${RUN}-2` }, itemPath: 'music' }],
    ['mirror versions/ itself', r('NAS', 'backup/versions'), { at: { kind: 'latest' }, itemPath: null }],
    ['mirror manifests/', r('NAS', 'backup/manifests'), { at: { kind: 'latest' }, itemPath: null }],
    ['snapshot folder album', { local: `/mnt/nas/Snapshots/${RUN}/${WALL}` }, { destId: 's1', destKind: 'snapshot', at: { kind: 'snapshot', id: RUN }, itemPath: WALL }],
    ['snapshot latest/', { local: `/mnt/nas/Snapshots/latest/${WALL}/` }, { destId: 's1', at: { kind: 'latest' }, itemPath: WALL }],
    ['snapshot destination root', { local: '/mnt/nas/Snapshots' }, { destId: 's1', at: { kind: 'latest' }, itemPath: null }],
    ['remote:/path spelling, doubled and trailing slashes', r('NAS', `/backup//current/${WALL}/`), { destId: 'm1', itemPath: WALL }],
    ['target spelled remote:/path/, unicode names', r('dav', 'Sigur Rós/mirror/current/music/Sigur Rós/( ) (2002)'), { jobId: 'j3', destId: 'm2', itemPath: 'music/Sigur Rós/( ) (2002)' }],
    // "ó" typed as o + combining accent (macOS) is the same folder.
    ['NFD spelling of a unicode target', r('dav', 'Sigur Ro\u0301s/mirror/current/music'), { destId: 'm2', itemPath: 'music' }],
    ['dot segments', r('NAS', `backup/./current/music/../music`), { destId: 'm1', itemPath: 'music' }],
    ['copy destination: no restore points', r('b2', 'photos-copy/Pictures'), { kind: 'copy', jobId: 'j2', destId: 'c1', target: 'b2:photos-copy' }],
  ])('%s', (_name, place, expected) => {
    expect(locateInBackup(jobs, place)).toMatchObject(expected as object);
  });

  it.each<[string, BrowsedPlace]>([
    ['a look-alike prefix', r('NAS', `backup2/current/${WALL}`)],
    ['a longer first segment', r('NAS', 'backup-old')],
    ['the parent of a destination', r('NAS', '')],
    ['another remote with the same path', r('NAS2', `backup/current/${WALL}`)],
    ['a remote name differing in case', r('nas', `backup/current/${WALL}`)],
    ['an unknown folder inside a mirror', r('NAS', 'backup/stuff')],
    ['versions/ with a name that is no run', r('NAS', 'backup/versions/old')],
    ['a staging folder of a snapshot destination', { local: '/mnt/nas/Snapshots/.reprise-staging/music' }],
    ['a snapshot look-alike prefix', { local: '/mnt/nas/Snapshots2/latest' }],
    ['a local path that is really a remote', { local: '/mnt/nas' }],
    ['a relative local path', { local: 'mnt/nas/Snapshots' }],
    ['climbing out with ..', r('NAS', '../backup/current')],
  ])('not a restorable place: %s', (_name, place) => {
    expect(locateInBackup(jobs, place)).toBeNull();
  });

  it('sees through an alias remote, to a remote or to a local snapshot folder', () => {
    const aliases = { snaps: '/mnt/nas/Snapshots', box: 'NAS:backup/current' };
    expect(locateInBackup(jobs, r('snaps', `${RUN}/${WALL}`), aliases)).toMatchObject({ destId: 's1', at: { kind: 'snapshot', id: RUN }, itemPath: WALL });
    expect(locateInBackup(jobs, r('box', WALL), aliases)).toMatchObject({ destId: 'm1', at: { kind: 'latest' }, itemPath: WALL });
    expect(locateInBackup(jobs, r('snaps', ''), aliases)).toMatchObject({ destId: 's1', itemPath: null });
  });

  it('picks the deepest destination when one lies inside another', () => {
    const nested = [job('outer', 'Outer', [{ id: 'o', kind: 'copy', target: 'NAS:' }]), ...jobs];
    expect(locateInBackup(nested, r('NAS', `backup/current/${WALL}`))).toMatchObject({ kind: 'restorable', jobId: 'j1' });
    expect(locateInBackup(nested, r('NAS', 'elsewhere'))).toMatchObject({ kind: 'copy', jobId: 'outer' });
  });

  it('keeps the names exactly as listed in the item path', () => {
    expect(locateInBackup(jobs, r('NAS', 'backup/current/music/Björk/Homogenic'))).toMatchObject({ itemPath: 'music/Björk/Homogenic' });
    // A library copied from a Mac may hold NFD names: the backup has them so, restore must ask for them so.
    const nfd = 'music/Bjo\u0308rk/Homogenic';
    expect(locateInBackup(jobs, r('NAS', `backup/current/${nfd}`))).toMatchObject({ itemPath: nfd });
  });
});

describe('versionIndexFor', () => {
  // Newest first, as restore:versions lists them.
  const versions = [
    { destId: 'm1', pointId: '2026-11-23T030000Z' },
    { destId: 's1', pointId: '2026-11-22T040000Z' },
    { destId: 'm1', pointId: '2026-11-22T030000Z-2' },
    { destId: 'm1', pointId: '2026-11-22T030000Z' },
    { destId: 'm1', pointId: '2026-11-21T030000Z' },
  ];
  it.each<[string, string, Parameters<typeof versionIndexFor>[2], number]>([
    ['latest of a mirror', 'm1', { kind: 'latest' }, 0],
    ['latest of a snapshot destination', 's1', { kind: 'latest' }, 1],
    ['a snapshot by id', 's1', { kind: 'snapshot', id: '2026-11-22T040000Z' }, 1],
    ['a pruned snapshot', 's1', { kind: 'snapshot', id: '2026-11-01T000000Z' }, -1],
    ['versions/<run>: the version before that run', 'm1', { kind: 'replaced-by', run: '2026-11-23T030000Z' }, 2],
    ['versions/<run>-2: the version before it', 'm1', { kind: 'replaced-by', run: '2026-11-22T030000Z-2' }, 3],
    ['versions of the first run: nothing before it', 'm1', { kind: 'replaced-by', run: '2026-11-21T030000Z' }, -1],
  ])('%s', (_name, destId, at, index) => expect(versionIndexFor(versions, destId, at)).toBe(index));

  it('orders same-second suffixes numerically', () => {
    expect(comparePointIds('2026-11-22T030000Z-10', '2026-11-22T030000Z-2')).toBeGreaterThan(0);
    expect(comparePointIds('2026-11-22T030000Z', '2026-11-22T030000Z-2')).toBeLessThan(0);
  });
});

describe('findInPicker', () => {
  const wall = { name: 'The Wall (1979)', path: WALL, cover: null, tracks: 4, bytes: 10 };
  const sources: SourceIndex[] = [
    { source: 'music', layout: 'music', artists: [{ name: 'Pink Floyd', path: 'music/Pink Floyd', bytes: 10, albums: [wall] }] },
    { source: 'Podcasts', layout: 'plain', artists: [] },
  ];
  it.each<[string, string, unknown]>([
    ['an album', WALL, { sourceIndex: 0, artistPath: 'music/Pink Floyd', album: wall, level: 'album' }],
    ['an artist', 'music/Pink Floyd', { sourceIndex: 0, artistPath: 'music/Pink Floyd', album: null, level: 'artist' }],
    ['a source folder', 'Podcasts', { sourceIndex: 1, artistPath: null, level: 'source' }],
    ['a disc folder inside an album', `${WALL}/CD1`, { sourceIndex: 0, artistPath: 'music/Pink Floyd', album: null, level: 'deeper' }],
    ['an album not in this restore point', 'music/Pink Floyd/Animals (1977)', { sourceIndex: 0, artistPath: 'music/Pink Floyd', album: null, level: 'deeper' }],
    ['an artist not in this restore point', 'music/Björk', { sourceIndex: 0, artistPath: null, level: 'deeper' }],
    ['a source no longer backed up', 'Old/Thing', { sourceIndex: -1, artistPath: null, level: 'deeper' }],
  ])('%s', (_name, path, expected) => expect(findInPicker(sources, path)).toMatchObject(expected as object));
});

// Every schema of rclone's outputs against what rclone 1.60.1 really printed (test/fixtures/
// rclone-1.60.1/, see its README), and each one against a broken copy: the error names the command.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  RcloneOutputError,
  aboutSchema,
  backendFeaturesSchema,
  checked,
  configProvidersSchema,
  configStepSchema,
  lsjsonItemSchema,
  parseBackendFeatures,
  parseConfigDump,
  parseConfigProviders,
  parseLsjson,
  parseLsjsonLine,
  parseLsjsonStat,
  parseMd5sumLine,
  parseSize,
  rcErrorMessage,
  rcListItems,
  sizeSchema,
  statsSchema,
} from '../../../electron/core/rclone/rclone-output.js';
import { parseRcloneLine, parseStats } from '../../../electron/core/rclone/rclone-json.js';

const text = (name: string) => readFileSync(new URL(`../../fixtures/rclone-1.60.1/${name}`, import.meta.url), 'utf8');
const json = (name: string): unknown => JSON.parse(text(name));

/** The error a reader throws, to look at. */
function thrown(f: () => unknown): RcloneOutputError {
  try {
    f();
  } catch (e) {
    if (e instanceof RcloneOutputError) return e;
    throw e;
  }
  throw new Error('no error was thrown');
}

describe('rclone lsjson', () => {
  it('reads a real recursive listing, a --stat of a file and of a folder', () => {
    expect(parseLsjson(text('lsjson-recursive.json'))).toEqual([
      { Path: 'a.txt', Name: 'a.txt', Size: 3, ModTime: '2026-11-22T10:00:00.000000000Z', IsDir: false },
      { Path: 'sub', Name: 'sub', Size: -1, ModTime: '2026-11-22T10:00:00.000000000Z', IsDir: true },
      { Path: 'sub/b c.txt', Name: 'b c.txt', Size: 6, ModTime: '2026-11-22T10:00:00.000000000Z', IsDir: false },
    ]);
    expect(parseLsjsonStat(text('lsjson-stat-file.json'))).toMatchObject({ Path: 'a.txt', Size: 3, IsDir: false });
    expect(parseLsjsonStat(text('lsjson-stat-dir.json'))).toMatchObject({ Path: '', Size: -1, IsDir: true });
    // Fields Reprise does not read (MimeType, Hashes) pass through untouched.
    expect(parseLsjson(text('lsjson-hash.json'))[0]).toMatchObject({ Hashes: { md5: '764efa883dda1e11db47671c4a3bbd9e' } });
    expect(parseLsjson('')).toEqual([]);
  });

  it('reads the listing one line at a time as rclone prints it', () => {
    const lines = text('lsjson-recursive.json').split('\n');
    const items = lines.map(parseLsjsonLine).filter((i) => i !== undefined);
    expect(items).toEqual(parseLsjson(text('lsjson-recursive.json')));
  });

  it('refuses a broken listing with the command and the item that is wrong', () => {
    const broken = text('lsjson-recursive.json').replace('"IsDir":true', '"IsDir":"yes"');
    const e = thrown(() => parseLsjson(broken));
    expect(e.message).toMatch(/^rclone lsjson answered with something Reprise cannot read: item 1: IsDir: .*boolean/);
    expect(e.appError.kind).toBe('internal');
    expect(e.appError.hint).toMatch(/1\.60/);
    expect(thrown(() => parseLsjson('{"Path":"a"}')).message).toMatch(/not a list/);
    expect(thrown(() => parseLsjson('Failed to lsjson')).message).toMatch(/not JSON/);
    expect(thrown(() => parseLsjsonStat(text('lsjson-stat-file.json').replace('"Size": 3', '"Size": "3"'))).message).toMatch(/^rclone lsjson --stat .*Size/);
    expect(thrown(() => parseLsjsonLine('{"Path":"a","Name":"a","Size":1,"IsDir":false},')).message).toMatch(/ModTime/);
  });

  it('the fast check and the schema agree item by item', () => {
    const good = (parseLsjson(text('lsjson-recursive.json')) as unknown[])[0] as Record<string, unknown>;
    const variants: unknown[] = [good, null, 7, [], { ...good, extra: 1 }];
    for (const key of Object.keys(lsjsonItemSchema.shape)) {
      const { [key]: _gone, ...without } = good;
      variants.push(without, { ...good, [key]: null }, { ...good, [key]: typeof good[key] === 'string' ? 1 : 'x' });
    }
    for (const v of variants) {
      const fast = (() => {
        try {
          parseLsjson(JSON.stringify([v]));
          return true;
        } catch {
          return false;
        }
      })();
      expect(fast, JSON.stringify(v)).toBe(lsjsonItemSchema.safeParse(v).success);
    }
  });
});

describe('rclone size, about, backend features', () => {
  it('reads real output', () => {
    expect(parseSize(text('size.json'))).toEqual({ count: 2, bytes: 9, sizeless: 0 });
    expect(checked('about --json', aboutSchema, json('about.json'))).toMatchObject({ total: expect.any(Number), free: expect.any(Number) });
    expect(parseBackendFeatures(text('backend-features-local.json'))).toEqual({ modtimes: true, hashes: expect.arrayContaining(['md5', 'sha1']), listR: false });
    // WebDAV keeps no times (a precision of 100 years) and no hashes.
    expect(parseBackendFeatures(text('backend-features-webdav.json'))).toEqual({ modtimes: false, hashes: [], listR: false });
  });

  it('refuses broken output naming the command', () => {
    expect(thrown(() => parseSize('{"count":"2","bytes":9}')).message).toMatch(/^rclone size --json .*count/);
    expect(thrown(() => checked('about --json', aboutSchema, { total: 'lots' })).message).toMatch(/^rclone about --json .*total/);
    expect(thrown(() => parseBackendFeatures(text('backend-features-local.json').replace('"Precision": 1,', ''))).message).toMatch(/^rclone backend features .*Precision/);
    expect(backendFeaturesSchema.safeParse({ ...(json('backend-features-local.json') as object), Hashes: 'md5' }).success).toBe(false);
  });
});

describe('rclone config', () => {
  it('reads a real config dump, the providers and the config state machine', () => {
    expect(parseConfigDump(text('config-dump.json'))).toMatchObject({ dav: { type: 'webdav', user: 'alice' }, disk: { type: 'local' }, secret: { type: 'crypt', remote: 'dav:enc' } });
    expect(parseConfigDump('')).toEqual({});
    const providers = parseConfigProviders(text('config-providers-excerpt.json'));
    expect(providers.map((p) => p.Name)).toEqual(['local', 'webdav']);
    expect(providers[1]!.Options.find((o) => o.Name === 'pass')).toMatchObject({ IsPassword: true });
    expect(configStepSchema.safeParse(json('config-step-question.json')).success).toBe(true);
    expect(configStepSchema.safeParse(json('rc-config-create-done.json')).success).toBe(true);
  });

  it('refuses broken ones', () => {
    expect(thrown(() => parseConfigDump('{"dav":{"port":22}}')).message).toMatch(/^rclone config dump .*dav\.port/);
    expect(thrown(() => parseConfigDump('[]')).message).toMatch(/^rclone config dump/);
    const providers = json('config-providers-excerpt.json') as { Options: unknown[] }[];
    expect(configProvidersSchema.safeParse([{ ...providers[0], Options: 'none' }]).success).toBe(false);
    expect(thrown(() => parseConfigProviders('{}')).message).toMatch(/^rclone config providers/);
    expect(configStepSchema.safeParse({ State: 3 }).success).toBe(false);
  });
});

describe('rclone rc (rcd) answers', () => {
  it('reads operations/list, /about, /size and an error body', () => {
    expect(rcListItems(json('rc-operations-list.json')).map((i) => i.Name)).toEqual(['a.txt', 'sub']);
    expect(checked('rc operations/about', aboutSchema, json('rc-operations-about.json'))).toHaveProperty('used');
    expect(checked('rc operations/size', sizeSchema, json('rc-operations-size.json'))).toEqual({ count: 2, bytes: 9, sizeless: 0 });
    expect(rcErrorMessage(json('rc-error.json'))).toBe('error in ListJSON: directory not found');
  });

  it('refuses broken ones', () => {
    expect(thrown(() => rcListItems({ list: [{ Name: 'a' }] })).message).toMatch(/^rclone rc operations\/list .*item 0/);
    expect(thrown(() => rcListItems({ entries: [] })).message).toMatch(/^rclone rc operations\/list .*list/);
    expect(thrown(() => checked('rc operations/size', sizeSchema, {})).message).toMatch(/^rclone rc operations\/size/);
    expect(rcErrorMessage({ status: 500 })).toBeNull();
  });
});

describe('rclone md5sum', () => {
  it('reads real lines and skips anything else', () => {
    expect(text('md5sum.txt').trim().split('\n').map(parseMd5sumLine)).toEqual([
      { md5: '764efa883dda1e11db47671c4a3bbd9e', path: 'a.txt' },
      { md5: 'c4ff45bb1fab99f9164b7fec14b2292a', path: 'sub/b c.txt' },
    ]);
    expect(parseMd5sumLine('2026/11/22 ERROR : a.txt: failed to open')).toBeNull();
    expect(parseMd5sumLine('764efa883dda1e11db47671c4a3bbd9  a.txt')).toBeNull();
  });
});

describe('--use-json-log stats', () => {
  const statsOf = (line: string): unknown => (JSON.parse(line) as { stats?: unknown }).stats;
  it('accepts every stats object of a real copy', () => {
    const stats = text('copy-json-stats.ndjson').trim().split('\n').map(statsOf).filter((s) => s !== undefined);
    expect(stats.length).toBeGreaterThan(0);
    for (const s of stats) expect(statsSchema.safeParse(s).success).toBe(true);
  });

  it('refuses stats with a field of the wrong type: the line is kept as a log line, not read as progress', () => {
    const line = text('copy-json-stats.ndjson').trim().split('\n').find((l) => l.includes('"stats"'))!;
    expect(parseRcloneLine(line).type).toBe('stats');
    const broken = line.replace('"bytes":1077248,"checks"', '"bytes":"1 MiB","checks"');
    expect(parseStats(statsOf(broken))).toBeNull();
    expect(parseRcloneLine(broken)).toMatchObject({ type: 'log', message: expect.stringMatching(/stats Reprise cannot read/) });
  });
});

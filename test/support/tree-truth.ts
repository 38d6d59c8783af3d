// The truth a restore is judged against: a description of a tree taken straight from the file system
// (names as bytes, type, mode, owner, times, size, content hash, link target, hard-link group,
// xattrs), written independently of Reprise's own walker so a bug there cannot hide itself.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface TruthOptions {
  /** Compare folder modification times too (on by default). */
  readonly dirTimes?: boolean;
  /** Compare owners (only meaningful as root). */
  readonly owners?: boolean;
  /** Compare extended attributes (user.* and ACLs). */
  readonly xattrs?: boolean;
  /** Paths (relative, as text) left out of the comparison, e.g. a database compared by content instead. */
  readonly skip?: (rel: string) => boolean;
}

/** One line per entry, sorted: everything a faithful restore must reproduce. */
export function describeTree(root: string, o: TruthOptions = {}): string[] {
  const lines: string[] = [];
  const groups = new Map<string, string>();
  const xattrs = o.xattrs ? readAllXattrs(root) : new Map<string, string>();
  const walk = (dir: Buffer, rel: string): void => {
    const names = readdirSync(dir, { encoding: 'buffer' }).sort(Buffer.compare);
    for (const n of names) {
      const abs = Buffer.concat([dir, Buffer.from('/'), n]);
      const r = rel ? `${rel}/${n.toString('latin1')}` : n.toString('latin1');
      const shown = Buffer.from(r, 'latin1').toString('utf8');
      if (o.skip?.(shown)) continue;
      const s = lstatSync(abs, { bigint: true });
      const mode = (s.mode & 0o7777n).toString(8);
      const owner = o.owners ? ` ${s.uid}:${s.gid}` : '';
      const us = s.mtimeNs / 1000n;
      const x = xattrs.get(abs.toString('latin1')) ?? '';
      const key = JSON.stringify(r);
      if (s.isDirectory()) {
        lines.push(`${key} dir ${mode}${owner}${o.dirTimes === false ? '' : ` ${us}`}${x}`);
        walk(abs, r);
      } else if (s.isSymbolicLink()) {
        lines.push(`${key} link -> ${JSON.stringify(readlinkSync(abs, { encoding: 'buffer' }).toString('latin1'))}${owner}`);
      } else if (s.isFile()) {
        let group = '';
        if (s.nlink > 1n) {
          const id = `${s.dev}:${s.ino}`;
          if (!groups.has(id)) groups.set(id, key);
          else group = ` hardlink-of ${groups.get(id)}`;
        }
        const md5 = createHash('md5').update(readFileSync(abs)).digest('hex');
        lines.push(`${key} file ${mode}${owner} ${us} ${s.size} ${md5}${group}${x}`);
      } else lines.push(`${key} other ${mode}`);
    }
  };
  walk(Buffer.from(root), '');
  return lines;
}

/** user.* attributes and ACLs of every path under root, as one comparable string per path. */
function readAllXattrs(root: string): Map<string, string> {
  const out = new Map<string, string>();
  let text: string;
  try {
    text = execFileSync('getfattr', ['-R', '-d', '-m', '^(user\\.|system\\.posix_acl)', '-e', 'base64', '--absolute-names', '-h', '-P', root], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    text = String((e as { stdout?: string }).stdout ?? '');
  }
  let current: string | null = null;
  let attrs: string[] = [];
  const flush = () => {
    if (current !== null && attrs.length > 0) out.set(current, ` xattrs[${attrs.sort().join(',')}]`);
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      flush();
      current = line.slice(8).replace(/\\([0-7]{3})/g, (_m, d: string) => String.fromCharCode(parseInt(d, 8)));
      attrs = [];
    } else if (line.includes('=')) attrs.push(line);
  }
  flush();
  return out;
}

/** Lines of `a` not in `b` and of `b` not in `a`: empty when the trees match. */
export function treeDiff(a: readonly string[], b: readonly string[]): string[] {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...a.filter((l) => !sb.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !sa.has(l)).map((l) => `+ ${l}`)];
}

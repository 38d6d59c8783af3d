// Extended attributes (ACLs are the system.posix_acl_* ones) read and written with getfattr and
// setfattr from the attr package: one child for a whole tree each way, or for a batch of named
// paths, since Node has no xattr API and a child per file would cost more than the backup. Where
// the tools are missing, xattrs are not recorded.
import { rmSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scratchDir, scratchDirSync } from '../../process/scratch.js';
import { randomBytes } from 'node:crypto';
import type { ChildRunner, RunningChild } from '../../process/child.js';

/** Attributes per absolute path (binary string): name → base64 value. */
export type XattrMap = Map<string, Record<string, string>>;

/** getfattr writes control characters and backslashes in file names as \ooo octal escapes. */
function unescapeName(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function escapeName(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c < 0x20 || c === 0x5c || c === 0x7f ? `\\${c.toString(8).padStart(3, '0')}` : s[i];
  }
  return out;
}

/** Parses `getfattr -d -m - -e base64 --absolute-names` output (read as latin1). */
export function parseGetfattrDump(text: string): XattrMap {
  const out: XattrMap = new Map();
  let current: Record<string, string> | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = {};
      out.set(unescapeName(line.slice(8)), current);
      continue;
    }
    if (!current || line === '') continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    const raw = eq === -1 ? '' : line.slice(eq + 1);
    let value: string;
    if (raw.startsWith('0s')) value = raw.slice(2);
    else if (raw.startsWith('0x')) value = Buffer.from(raw.slice(2), 'hex').toString('base64');
    else value = Buffer.from(raw.replace(/^"|"$/g, ''), 'latin1').toString('base64');
    current[name] = value;
  }
  for (const [k, v] of out) if (Object.keys(v).length === 0) out.delete(k);
  return out;
}

/** Reads every extended attribute under `root` (not following links). null when getfattr is missing. */
export async function readXattrs(children: ChildRunner, root: string, signal?: AbortSignal): Promise<{ readonly map: XattrMap; readonly problems: readonly string[] } | null> {
  const r = await children.run({
    command: 'getfattr',
    args: ['-R', '-d', '-m', '-', '-e', 'base64', '--absolute-names', '-h', '-P', '--', root],
    keepStdout: true,
    stdoutEncoding: 'latin1',
    ...(signal ? { signal } : {}),
  });
  if (r.spawnError) return null;
  const text = r.stdout;
  // getfattr exits 1 when some file could not be read; the rest of the dump is still good.
  return { map: parseGetfattrDump(text), problems: r.exitCode === 0 ? [] : r.stderrTail.slice(-5) };
}

/**
 * Reads the attributes of the given paths (absolute, binary strings; links not followed): the run
 * after a first one reads only those of entries whose ctime moved. The names go to getfattr through
 * `xargs -0` from a file: Node passes arguments as UTF-8 text, so a name that is not UTF-8 could not
 * be given byte for byte, and xargs keeps each command line under the system's limit. null when
 * getfattr is missing.
 */
export async function readXattrsOf(children: ChildRunner, paths: readonly string[], signal?: AbortSignal): Promise<{ readonly map: XattrMap; readonly problems: readonly string[] } | null> {
  if (paths.length === 0) return { map: new Map(), problems: [] };
  const dir = await scratchDir('xattrs');
  try {
    const list = join(dir, 'paths');
    await writeFile(list, Buffer.from(`${paths.join('\0')}\0`, 'latin1'));
    const r = await children.run({
      command: 'xargs',
      args: ['-0', '-r', '-a', list, 'getfattr', '-d', '-m', '-', '-e', 'base64', '--absolute-names', '-h', '--'],
      keepStdout: true,
      stdoutEncoding: 'latin1',
      ...(signal ? { signal } : {}),
    });
    // xargs exits 127 when it cannot find getfattr, 123 when getfattr exited 1 (a file vanished or unreadable).
    if (r.spawnError || r.exitCode === 127) return null;
    return { map: parseGetfattrDump(r.stdout), problems: r.exitCode === 0 ? [] : r.stderrTail.slice(-5) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The loop of the helper that reads named paths' attributes for a run: each line on stdin names a
 * file of NUL-ended paths (a group); each group is one getfattr, its output followed by an end line
 * with the run's token (no line of getfattr's can look like it: file lines start with "# file: "
 * and names are escaped). The shell forks getfattr, not Reprise: a child started from a large Node
 * process cost ~35 ms, a group here ~6 ms (on a machine where starting any program costs ~5 ms),
 * so the comparison can ask for the names of a thousand entries at a time instead of holding tens
 * of thousands of results while names gather. The names go through a file, not the pipe: bash
 * reads a pipe a byte at a time (a system call per byte), which made a group of a thousand names
 * cost ~110 ms; `mapfile` reads a file in blocks (bash 4.4 and later; older ones go through xargs).
 */
const HELPER_SCRIPT = [
  'command -v getfattr >/dev/null 2>&1 || { printf \'# reprise-missing %s\\n\' "$1"; exit 0; }',
  'while IFS= read -r f; do',
  '  if (( BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4) )); then',
  "    mapfile -d '' -t names < \"$f\"",
  '    getfattr -d -m - -e base64 --absolute-names -h -- "${names[@]}"',
  '  else',
  '    xargs -0 -r -a "$f" getfattr -d -m - -e base64 --absolute-names -h --',
  '  fi',
  '  printf \'# reprise-end %s\\n\' "$1"',
  'done',
].join('\n');

/** Bytes of names in one getfattr command line: well under any system's argument limit (Linux: 2 MB). */
const GROUP_BYTES = 96 * 1024;

/** A group sent to the helper, waiting for its end line. */
interface Waiting {
  /** The file that names the group's paths: removed once answered. */
  readonly file: string;
  readonly resolve: (map: XattrMap | null) => void;
  readonly reject: (e: Error) => void;
}

/**
 * Reads extended attributes for one run: a whole source at once (-R, the cheapest for a first run),
 * or named paths through one helper shell started when first needed (a run that changed nothing
 * starts none). Remembers that getfattr is missing, so it is looked for once. Close it when the
 * run's comparison is over: the helper then ends once it has answered what it was asked.
 */
export class XattrReader {
  private missing = false;
  private helper: RunningChild | null = null;
  /** No shell to run the helper (bash missing): each group is an xargs child of its own. */
  private helperless = false;
  private failure: Error | null = null;
  private readonly waiting: Waiting[] = [];
  private lines: string[] = [];
  private readonly token = randomBytes(8).toString('hex');
  /** The helper's scratch folder: a file of names per group, removed once the group is answered. */
  private groupDir: string | null = null;
  private groups = 0;

  constructor(
    private readonly children: ChildRunner,
    private readonly signal?: AbortSignal,
  ) {}

  /** Every attribute under `root` (text path); null when getfattr is missing. */
  async tree(root: string): Promise<XattrMap | null> {
    if (this.missing) return null;
    const r = await readXattrs(this.children, root, this.signal);
    if (!r) this.missing = true;
    return r?.map ?? null;
  }

  /** The attributes of these paths (absolute, binary strings); null when getfattr is missing. */
  async paths(paths: readonly string[]): Promise<XattrMap | null> {
    if (this.missing) return null;
    if (paths.length === 0) return new Map();
    if (!this.helperless && !this.helper) this.startHelper();
    if (this.helperless) {
      const r = await readXattrsOf(this.children, paths, this.signal);
      if (!r) this.missing = true;
      return r?.map ?? null;
    }
    const groups: Array<Promise<XattrMap | null>> = [];
    let group: string[] = [];
    let bytes = 0;
    for (const p of paths) {
      if (group.length > 0 && bytes + p.length + 1 > GROUP_BYTES) {
        groups.push(this.ask(group));
        group = [];
        bytes = 0;
      }
      group.push(p);
      bytes += p.length + 1;
    }
    groups.push(this.ask(group));
    const maps = await Promise.all(groups);
    if (maps.some((m) => m === null)) return null;
    const out: XattrMap = new Map();
    for (const m of maps) for (const [k, v] of m!) out.set(k, v);
    return out;
  }

  /** Ends the helper once it has answered every group asked (nothing is lost by closing early). */
  close(): void {
    this.helper?.stdin?.end();
  }

  private startHelper(): void {
    this.groupDir = scratchDirSync('xattrs');
    const child = this.children.start({
      command: 'bash',
      args: ['-c', HELPER_SCRIPT, 'reprise-xattrs', this.token],
      // Names are bytes: no locale may reinterpret them on the way through the shell.
      env: { LC_ALL: 'C' },
      stdinPipe: true,
      stdoutEncoding: 'latin1',
      onLine: (line, stream) => {
        if (stream === 'stdout') this.onLine(line);
      },
      ...(this.signal ? { signal: this.signal } : {}),
    });
    const dir = this.groupDir;
    if (child.pid === undefined) {
      this.helperless = true;
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    this.helper = child;
    void child.result.then((r) => {
      this.helper = null;
      rmSync(dir, { recursive: true, force: true });
      const left = this.waiting.splice(0);
      if (left.length === 0) return;
      this.failure = new Error(this.signal?.aborted ? 'cancelled' : `getfattr's helper ended early (${r.signal ?? `exit code ${r.exitCode}`}): ${r.stderrTail.slice(-3).join(' ') || 'no message'}`);
      for (const w of left) w.reject(this.failure);
    });
  }

  private ask(group: readonly string[]): Promise<XattrMap | null> {
    if (this.failure) return Promise.reject(this.failure);
    const stdin = this.helper?.stdin;
    if (!stdin) return Promise.reject(new Error("getfattr's helper is not running"));
    const file = join(this.groupDir!, `${this.groups++}`);
    try {
      writeFileSync(file, Buffer.from(`${group.join('\0')}\0`, 'latin1'));
    } catch (e) {
      return Promise.reject(e as Error);
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ file, resolve, reject });
      stdin.write(`${file}\n`);
    });
  }

  private onLine(line: string): void {
    if (line === `# reprise-end ${this.token}`) {
      const text = this.lines.join('\n');
      this.lines = [];
      const w = this.waiting.shift();
      // By Reprise, not the helper: an `rm` there is one more program started per group.
      if (w) rmSync(w.file, { force: true });
      w?.resolve(parseGetfattrDump(text));
    } else if (line === `# reprise-missing ${this.token}`) {
      this.missing = true;
      for (const w of this.waiting.splice(0)) w.resolve(null);
    } else this.lines.push(line);
  }
}

/** Which attributes a process may set: user.* always; ACLs, trusted.* and security.* only as root. */
export function settableXattr(name: string, isRoot: boolean): boolean {
  return name.startsWith('user.') || name.startsWith('system.posix_acl_') || isRoot;
}

/**
 * Sets the attributes of many paths with one `setfattr --restore`. Returns the complaints (one per
 * attribute that could not be set, e.g. on a file system without xattr support); null when setfattr is missing.
 */
export async function writeXattrs(children: ChildRunner, items: ReadonlyArray<{ readonly path: string; readonly xattrs: Readonly<Record<string, string>> }>, signal?: AbortSignal): Promise<readonly string[] | null> {
  if (items.length === 0) return [];
  const isRoot = process.getuid?.() === 0;
  const dir = await scratchDir('xattrs');
  try {
    let dump = '';
    for (const it of items) {
      const names = Object.keys(it.xattrs).filter((n) => settableXattr(n, isRoot));
      if (names.length === 0) continue;
      dump += `# file: ${escapeName(it.path)}\n`;
      for (const n of names) dump += `${n}=0s${it.xattrs[n]}\n`;
      dump += '\n';
    }
    if (dump === '') return [];
    const file = join(dir, 'dump');
    await writeFile(file, Buffer.from(dump, 'latin1'));
    const r = await children.run({ command: 'setfattr', args: ['-h', `--restore=${file}`], ...(signal ? { signal } : {}) });
    if (r.spawnError) return null;
    return r.exitCode === 0 ? [] : r.stderrTail.length > 0 ? r.stderrTail : [`setfattr exited with code ${r.exitCode}`];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

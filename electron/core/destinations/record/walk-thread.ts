// The walk's system calls on a thread of their own. A no-change run over a large library is mostly
// lstat and readdir (1.9 s and 0.7 s of a 4.3 s run over 300k files, profiled); on the main thread
// they queue behind the comparison and the record writing, where rclone stats on several threads.
// So once a walk has gone past a few thousand entries it hands the rest of its folders to a worker:
// the worker lists and stats, in record order, and the main thread turns what it sends into entries
// as before. Small trees never start it (a worker takes ~100 ms to boot).
//
// The worker's code is `walkThreadMain` below, started from its own source text (`eval`), so it
// loads the same from TypeScript source in tests, from out/ and from a packaged app's archive. It
// may therefore use nothing from outside its own body: the modules it needs come in as arguments.
import { Worker } from 'node:worker_threads';

/** One filter rule as rclone dumped it (see source-filter.ts). */
export interface RuleData {
  readonly include: boolean;
  readonly source: string;
  readonly flags: string;
}

/** The job's excludes in a form a thread can take. */
export interface FilterRules {
  readonly file: readonly RuleData[];
  readonly dir: readonly RuleData[];
}

/** A folder the main thread was walking when it handed over: the names still to visit. */
export interface HandedFrame {
  /** Absolute path (binary string). */
  readonly abs: string;
  /** Path relative to the source folder (binary string, '' for the source itself). */
  readonly rel: string;
  /** The names still to visit (binary strings), in order. */
  readonly names: readonly string[];
  /** Index of names[0] in the folder's whole listing. */
  readonly start: number;
}

interface WalkRequest {
  readonly frames: readonly HandedFrame[];
  readonly rules: FilterRules | null;
}

/** What a chunk's items are (the worker writes the numbers themselves: it cannot import this). */
export const Op = {
  /** A name of the current folder, with its stat (nums) and its index in the folder's listing (arg). */
  Entry: 1,
  /** The listing of the folder just sent: arg names, their lengths in lens, bytes in bytes. */
  List: 2,
  /** The folder just sent could not be listed: error code and message in texts. */
  Unlistable: 3,
  /** The current folder is done. */
  Pop: 4,
  /** lstat of a name (arg: its index) failed other than by vanishing: code and message in texts. */
  Problem: 5,
  /** Every folder handed over is done. */
  End: 6,
} as const;

/** Stat fields per Entry item, in this order. */
export const STAT_FIELDS = 9; // mode uid gid size nlink dev ino mtimeNs ctimeNs

/** A batch of items, sent with its buffers transferred. */
export interface Chunk {
  readonly count: number;
  /** Per item: op, arg. */
  readonly items: Int32Array;
  /** STAT_FIELDS per Entry item, in item order. */
  readonly nums: BigInt64Array;
  /** Name lengths of List items, in order. */
  readonly lens: Int32Array;
  /** Name bytes of List items, in order. */
  readonly bytes: Uint8Array;
  /** Code and message per Unlistable / Problem item, in order. */
  readonly texts: readonly string[];
}

/** Control words shared with the worker. */
const READY = 0;
const IN_FLIGHT = 1;
const STOP = 2;
/** Chunks the worker may run ahead of the main thread: its lead is bounded, however large the tree. */
const MAX_IN_FLIGHT = 4;
/** Items per chunk (a List counts its names). */
const CHUNK_ITEMS = 512;

/**
 * The worker's whole program. Self-contained: only its arguments and globals, no imports, no
 * helpers from this file (it runs from its own text).
 */
function walkThreadMain(fs: typeof import('node:fs'), wt: typeof import('node:worker_threads'), limits: { readonly maxInFlight: number; readonly chunkItems: number }): void {
  const port = wt.parentPort!;
  const ctl = new Int32Array(wt.workerData as SharedArrayBuffer);
  const SLASH = Buffer.from('/');

  // The chunk being filled, in typed arrays of its own (sent by transfer, never copied): at most
  // chunkItems items, as every item weighs at least 1, and as many stats; names grow as needed
  // (one folder's listing is one item).
  const cap = limits.chunkItems + 1;
  let items = new Int32Array(2 * cap);
  let nums = new BigInt64Array(9 * cap);
  let lens = new Int32Array(cap);
  let bytes = new Uint8Array(64 * 1024);
  let count = 0;
  let stats = 0;
  let nameCount = 0;
  let byteCount = 0;
  let texts: string[] = [];
  let weight = 0;

  const flush = (): boolean => {
    if (count === 0) return true;
    while (Atomics.load(ctl, 2) === 0) {
      const inFlight = Atomics.load(ctl, 1);
      if (inFlight < limits.maxInFlight) break;
      Atomics.wait(ctl, 1, inFlight, 1000);
    }
    if (Atomics.load(ctl, 2) !== 0) return false;
    // The names exactly (a folder's listing keeps its chunk's bytes alive on the main thread).
    const chunk = { count, items, nums, lens, bytes: bytes.slice(0, byteCount), texts };
    Atomics.add(ctl, 1, 1);
    port.postMessage(chunk, [items.buffer, nums.buffer, lens.buffer, chunk.bytes.buffer]);
    items = new Int32Array(2 * cap);
    nums = new BigInt64Array(9 * cap);
    lens = new Int32Array(cap);
    count = stats = nameCount = byteCount = weight = 0;
    texts = [];
    return true;
  };
  const add = (op: number, arg: number, w = 1): boolean => {
    items[2 * count] = op;
    items[2 * count + 1] = arg;
    count++;
    weight += w;
    return weight < limits.chunkItems || flush();
  };
  const addName = (n: Buffer): void => {
    if (nameCount === lens.length) {
      const more = new Int32Array(2 * lens.length);
      more.set(lens);
      lens = more;
    }
    if (byteCount + n.length > bytes.length) {
      const more = new Uint8Array(Math.max(2 * bytes.length, byteCount + n.length));
      more.set(bytes.subarray(0, byteCount));
      bytes = more;
    }
    lens[nameCount++] = n.length;
    bytes.set(n, byteCount);
    byteCount += n.length;
  };
  const failure = (e: unknown): void => {
    const err = e as NodeJS.ErrnoException;
    texts.push(err.code ?? '', err.message);
  };
  const decide = (rules: ReadonlyArray<{ include: boolean; re: RegExp }>, path: string): boolean => {
    for (const r of rules) if (r.re.test(path)) return r.include;
    return true;
  };

  const walk = (req: WalkRequest): void => {
    const rules = req.rules && {
      file: req.rules.file.map((r) => ({ include: r.include, re: new RegExp(r.source, r.flags) })),
      dir: req.rules.dir.map((r) => ({ include: r.include, re: new RegExp(r.source, r.flags) })),
    };
    const stack: Array<{ abs: Buffer; rel: Buffer; names: Buffer[]; start: number; next: number }> = req.frames.map((f) => ({ abs: Buffer.from(f.abs, 'latin1'), rel: Buffer.from(f.rel, 'latin1'), names: f.names.map((n) => Buffer.from(n, 'latin1')), start: f.start, next: 0 }));
    while (stack.length > 0) {
      const f = stack[stack.length - 1]!;
      if (f.next >= f.names.length) {
        stack.pop();
        if (!add(4, 0)) return;
        continue;
      }
      const i = f.next++;
      const n = f.names[i]!;
      const abs = Buffer.concat([f.abs, SLASH, n]);
      let s: import('node:fs').BigIntStats;
      try {
        s = fs.lstatSync(abs, { bigint: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // vanished: not part of this point
        failure(e);
        if (!add(5, f.start + i)) return;
        continue;
      }
      const isDir = s.isDirectory();
      const rel = f.rel.length === 0 ? n : Buffer.concat([f.rel, SLASH, n]);
      if (rules) {
        const text = rel.toString('utf8');
        if (isDir ? !decide(rules.dir, `${text}/`) : !decide(rules.file, text)) continue;
      }
      const j = 9 * stats++;
      nums[j] = s.mode;
      nums[j + 1] = s.uid;
      nums[j + 2] = s.gid;
      nums[j + 3] = s.size;
      nums[j + 4] = s.nlink;
      nums[j + 5] = s.dev;
      nums[j + 6] = s.ino;
      nums[j + 7] = s.mtimeNs;
      nums[j + 8] = s.ctimeNs;
      if (!add(1, f.start + i)) return;
      if (!isDir) continue;
      let listed: Buffer[];
      try {
        listed = fs.readdirSync(abs, { encoding: 'buffer' });
      } catch (e) {
        failure(e);
        if (!add(3, 0)) return;
        continue;
      }
      listed.sort(Buffer.compare);
      for (const b of listed) addName(b);
      if (!add(2, listed.length, 1 + listed.length)) return;
      stack.push({ abs, rel, names: listed, start: 0, next: 0 });
    }
    if (add(6, 0)) flush();
  };

  port.on('message', (req: WalkRequest) => {
    try {
      walk(req);
    } catch (e) {
      // A fault of this program, not of a file: the main thread reports it as the run's error.
      port.postMessage({ fault: (e as Error).stack ?? String(e) });
    }
  });
  Atomics.store(ctl, 0, 1);
}

/** The worker walking handed-over folders, as the main thread sees it. */
export class WalkThread {
  /** Threads started in this process (tests check that a walk really went through one). */
  static started = 0;
  private readonly worker: Worker;
  private readonly ctl = new Int32Array(new SharedArrayBuffer(3 * 4));
  private readonly queue: Chunk[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  /** Resolves once the worker runs (for callers that would rather wait than walk on themselves). */
  readonly online: Promise<void>;

  constructor() {
    const source = `(${walkThreadMain.toString()})(require('node:fs'), require('node:worker_threads'), ${JSON.stringify({ maxInFlight: MAX_IN_FLIGHT, chunkItems: CHUNK_ITEMS })})`;
    // A small young generation: what the worker allocates (a stat's BigInts) dies at once, and a
    // default-sized one added ~20 MB to a run's peak for nothing (measured at 300k files).
    this.worker = new Worker(source, { eval: true, workerData: this.ctl.buffer, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    WalkThread.started++;
    this.worker.unref();
    this.online = new Promise((resolve) => {
      this.worker.once('online', () => resolve());
      this.worker.once('exit', () => resolve()); // failed to start: next() says why
    });
    this.worker.on('message', (m: Chunk | { fault: string }) => {
      if ('fault' in m) this.fail(new Error(`The folder walk's thread failed: ${m.fault}`));
      else this.queue.push(m);
      this.wakeUp();
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`The folder walk's thread ended (exit ${code}).`)));
  }

  /** Whether the worker has started and can take folders (no wait: it is a shared word). */
  get ready(): boolean {
    return Atomics.load(this.ctl, READY) === 1;
  }

  /** Hands folders over; their items follow through next(), ending with an End item. */
  walk(frames: readonly HandedFrame[], rules: FilterRules | null): void {
    const req: WalkRequest = { frames, rules };
    this.worker.postMessage(req);
  }

  /** The next chunk, in order. The previous one is taken as consumed: the worker may send another. */
  async next(signal?: AbortSignal): Promise<Chunk> {
    for (;;) {
      signal?.throwIfAborted();
      const chunk = this.queue.shift();
      if (chunk) {
        Atomics.sub(this.ctl, IN_FLIGHT, 1);
        Atomics.notify(this.ctl, IN_FLIGHT);
        return chunk;
      }
      if (this.failure) throw this.failure;
      let onAbort: (() => void) | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        onAbort = resolve;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the worker (also half way through a walk). */
  async close(): Promise<void> {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.notify(this.ctl, IN_FLIGHT);
    this.failure ??= new Error('The folder walk was closed.');
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

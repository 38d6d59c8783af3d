// A long-lived `rclone rcd` on 127.0.0.1:0 with a random user and password (never --rc-no-auth),
// used for browsing, sizes, quota and mounts. The credentials travel in the child's environment,
// not on its command line, so other local users cannot read them from the process list.
import { randomBytes } from 'node:crypto';
import type { RunningChild } from '../process/child.js';
import { RemoteError } from './errors.js';
import type { RcloneRunner } from './rclone-runner.js';
import { type LsjsonItem, type RcloneAbout, type RcloneSize, aboutSchema, checked, rcErrorMessage, rcListItems, sizeSchema } from '../rclone/rclone-output.js';

const LISTENING = /Serving remote control on (http:\/\/127\.0\.0\.1:\d+\/)/;

// Parses the address out of rcd's "Serving remote control on …" log line.
export function parseListeningLine(text: string): string | undefined {
  return LISTENING.exec(text)?.[1];
}

// A client of one rcd child; start() it, call() it, close() it.
export class RcdClient {
  private child: RunningChild | undefined;
  private url: string | undefined;
  private readonly user = randomBytes(12).toString('hex');
  private readonly pass = randomBytes(24).toString('base64url');
  private log = '';

  constructor(private readonly runner: RcloneRunner, private readonly extraArgs: readonly string[] = []) {
    runner.redactor.add(this.pass);
  }

  /** The base URL once started. */
  get address(): string | undefined {
    return this.url;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  // Starts rcd and resolves with its address once it is listening.
  async start(options: { timeoutMs?: number } = {}): Promise<string> {
    if (this.url) return this.url;
    let onLine: (line: string) => void = () => {};
    // If Reprise is killed, the kernel sends rcd SIGTERM (Linux): it unmounts its mounts and exits.
    const child = this.runner.start({
      args: ['rcd', '--rc-addr', '127.0.0.1:0', ...this.extraArgs],
      env: { RCLONE_RC_USER: this.user, RCLONE_RC_PASS: this.pass },
      deathSignal: 'SIGTERM',
      killAfterMs: 5000,
      onLine: (line) => onLine(line),
    });
    this.child = child;
    const timeoutMs = options.timeoutMs ?? 15_000;
    this.url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new RemoteError('timeout', 'rclone rcd did not start listening in time.'));
        child.stop();
      }, timeoutMs);
      onLine = (line) => {
        this.log = `${this.log}${line}\n`.slice(-16_384);
        const found = parseListeningLine(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      void child.result.then((result) => {
        clearTimeout(timer);
        const why = result.spawnError?.code === 'ENOENT' ? `rclone was not found at ${this.runner.rclone}.` : `rclone rcd stopped: ${this.runner.redactor.text(this.log.trim().split('\n').pop() ?? '')}`;
        reject(new RemoteError(result.spawnError?.code === 'ENOENT' ? 'spawn-failed' : 'rclone-failed', why));
        if (this.child === child) {
          this.url = undefined;
          this.child = undefined;
        }
      });
    });
    return this.url;
  }

  // Calls one rc method with JSON parameters; errors come back redacted with a plain reason.
  async call(method: string, params: Record<string, unknown> = {}, options: { signal?: AbortSignal } = {}): Promise<unknown> {
    const base = this.url ?? (await this.start());
    let response: Response;
    try {
      response = await fetch(new URL(method, base), {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.user}:${this.pass}`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(params),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (options.signal?.aborted) throw new RemoteError('cancelled', 'Cancelled.');
      throw new RemoteError('unreachable', `rclone rcd did not answer: ${this.runner.redactor.text(String(error))}`);
    }
    const body: unknown = await response.json().catch(() => ({}));
    if (!response.ok) {
      const message = rcErrorMessage(body) ?? `HTTP ${response.status}`;
      const kind = /directory not found|object not found|not found/i.test(message) ? 'not-found' : 'rclone-failed';
      throw new RemoteError(kind, this.runner.redactor.text(`${method}: ${message}`));
    }
    return body;
  }

  // Lists one folder (not recursive).
  async list(fs: string, remote = '', signal?: AbortSignal): Promise<LsjsonItem[]> {
    return rcListItems(await this.call('operations/list', { fs, remote, opt: { noMimeType: true } }, signal ? { signal } : {}));
  }

  // Quota of a remote where the provider reports it.
  async about(fs: string): Promise<RcloneAbout> {
    return checked('rc operations/about', aboutSchema, await this.call('operations/about', { fs }));
  }

  // Total size and count of a path (recursive; can take long on big trees).
  async size(fs: string, signal?: AbortSignal): Promise<RcloneSize> {
    return checked('rc operations/size', sizeSchema, await this.call('operations/size', { fs }, signal ? { signal } : {}));
  }

  // Resolves once the rcd child has exited (at once when none runs); for crash tests and shutdown.
  async exited(): Promise<void> {
    await this.child?.result;
  }

  // Stops rcd (mounts it holds are unmounted by rclone on SIGTERM) and waits for it to exit.
  async close(): Promise<void> {
    const child = this.child;
    if (!child) return;
    try {
      await this.call('core/quit', {});
    } catch {
      child.stop();
    }
    const timer = setTimeout(() => child.stop(), 5000);
    await child.result;
    clearTimeout(timer);
    if (this.child === child) {
      this.child = undefined;
      this.url = undefined;
    }
  }
}

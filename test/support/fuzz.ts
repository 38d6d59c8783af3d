// Hostile input for `reprise serve`: random and malformed HTTP requests and WebSocket frames, built
// byte by byte and sent over raw sockets (a well-behaved client library cannot send a bad frame).
import { createHash } from 'node:crypto';
import { connect } from 'node:net';

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
export type Rng = ReturnType<typeof prng>;

/** What happened to one raw connection. */
export interface RawOutcome {
  /** The first bytes the server sent (status line, frames), up to 4 KB. */
  readonly received: Buffer;
  /** The server closed (or reset) the connection. */
  readonly closedByServer: boolean;
  /** We gave up waiting (neither an answer nor a close). */
  readonly timedOut: boolean;
}

/**
 * Opens a connection, writes `chunks` (each after the previous was flushed), and waits until
 * `done(received)` says enough arrived or the server closed; `end` half-closes after writing.
 */
export function rawExchange(
  port: number,
  chunks: readonly Buffer[],
  o: {
    readonly host?: string;
    readonly end?: boolean;
    readonly done?: (received: Buffer) => boolean;
    readonly timeoutMs?: number;
    /** Write the first chunk, then the rest only once this holds (a handshake answered). */
    readonly restAfter?: (received: Buffer) => boolean;
  } = {},
): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: o.host ?? '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (closedByServer: boolean, timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ received, closedByServer, timedOut });
    };
    const timer = setTimeout(() => finish(false, true), o.timeoutMs ?? 10_000);
    let ready: (() => void) | null = null;
    socket.on('data', (d: Buffer) => {
      if (received.length < 4096) received = Buffer.concat([received, d]).subarray(0, 4096);
      if (ready && o.restAfter?.(received)) ready();
      if (o.done?.(received)) finish(false, false);
    });
    socket.on('error', () => finish(true, false));
    socket.on('close', () => finish(true, false));
    socket.on('connect', async () => {
      for (const [i, c] of chunks.entries()) {
        if (settled) return;
        if (i === 1 && o.restAfter && !o.restAfter(received)) await new Promise<void>((r) => (ready = r));
        await new Promise<void>((r) => socket.write(c, () => r()));
      }
      if (o.end) socket.end();
    });
  });
}

/** Whether an HTTP status line arrived. */
export const gotStatusLine = (b: Buffer): boolean => /^HTTP\/1\.[01] \d{3} /.test(b.toString('latin1')) && b.includes('\r\n\r\n');

/** The HTTP handshake that opens a WebSocket on /ws. */
export function upgradeRequest(port: number, token: string | null, extra: Record<string, string> = {}): Buffer {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': Buffer.from('0123456789abcdef').toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  const path = token === null ? '/ws' : `/ws?token=${encodeURIComponent(token)}`;
  return Buffer.from(`GET ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, 'latin1');
}

/** The Sec-WebSocket-Accept a server must answer to the key upgradeRequest sends. */
export const expectedAccept = createHash('sha1').update(`${Buffer.from('0123456789abcdef').toString('base64')}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

export interface FrameSpec {
  readonly fin?: boolean;
  /** RSV1..3 as bits 0b100, 0b010, 0b001. */
  readonly rsv?: number;
  readonly opcode: number;
  readonly payload: Buffer;
  /** Clients must mask; false sends an (illegal) unmasked frame. */
  readonly mask?: boolean;
  /** Claims this length instead of the payload's real one. */
  readonly declaredLength?: bigint;
}

/** Encodes one WebSocket frame exactly as specified, legal or not. */
export function frame(f: FrameSpec): Buffer {
  const mask = f.mask ?? true;
  const len = f.declaredLength ?? BigInt(f.payload.length);
  const head: number[] = [((f.fin ?? true) ? 0x80 : 0) | ((f.rsv ?? 0) << 4) | (f.opcode & 0x0f)];
  let ext = Buffer.alloc(0);
  if (len < 126n) head.push((mask ? 0x80 : 0) | Number(len));
  else if (len < 65536n) {
    head.push((mask ? 0x80 : 0) | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    head.push((mask ? 0x80 : 0) | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const body = Buffer.from(f.payload);
  if (mask) for (let i = 0; i < body.length; i++) body[i]! ^= key[i % 4]!;
  return Buffer.concat([Buffer.from(head), ext, mask ? key : Buffer.alloc(0), body]);
}

// The HTTP side of an upload from a browser on `reprise serve`: one PUT per file, streamed into the
// upload's scratch folder (core/files/upload-staging.ts holds the limits). Only an upload the
// contract opened (files:upload-start) takes bytes, and only with the serve token in the
// Authorization header — a page of another site can neither send that header nor read the answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UPLOAD_PATH } from '../../shared/channels.js';
import { UploadRefused, type UploadStaging } from '../core/api/host.js';
import { plain } from './static-files.js';

/** Is this request for the upload route? */
export function isUploadRequest(rawUrl: string | undefined): boolean {
  return (rawUrl ?? '').startsWith(`${UPLOAD_PATH}/`);
}

/** Answers one upload request. `authorized` checks the token of the Authorization header. */
export function handleUpload(req: IncomingMessage, res: ServerResponse, uploads: UploadStaging | undefined, authorized: (bearer: string | null) => boolean, log: (line: string) => void): void {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
  // Nothing more is read from a refused request: the answer closes the connection.
  const refuse = (status: number, text: string) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
    plain(res, status, text);
  };
  if (!authorized(bearer)) return refuse(401, 'Unauthorized');
  if (!uploads) return refuse(404, 'This server takes no uploads.');
  if (req.method !== 'PUT') return refuse(405, 'Method not allowed');
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://x');
  } catch {
    return refuse(400, 'Bad request path');
  }
  const id = url.pathname.slice(UPLOAD_PATH.length + 1);
  if (!/^[0-9a-f-]{36}$/i.test(id)) return refuse(404, 'There is no such upload.');
  const path = url.searchParams.get('path') ?? '';
  const mtime = url.searchParams.get('mtime');
  const lengthHeader = req.headers['content-length'];
  if (lengthHeader === undefined || !/^\d+$/.test(lengthHeader)) return refuse(411, 'Each file must say its length (Content-Length).');
  uploads
    .receive(id, path, Number(lengthHeader), mtime && /^\d+$/.test(mtime) ? Number(mtime) : null, req)
    .then(() => {
      res.writeHead(204).end();
    })
    .catch((e: unknown) => {
      if (e instanceof UploadRefused) return refuse(e.status, e.message);
      log(`upload failed: ${e instanceof Error ? e.message : String(e)}`);
      refuse(500, 'Internal error');
    });
}

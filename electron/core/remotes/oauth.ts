// Browser sign-in for OAuth backends (Drive, Dropbox, OneDrive, Box …): `rclone authorize TYPE`
// runs as its own killable child; we read the sign-in link from its log and the token from the
// block it prints between "Paste the following into your remote machine --->" and "<---End paste".
import { RemoteError } from './errors.js';
import type { RcloneRunner } from './rclone-runner.js';
import { assertBackendType } from './names.js';
import type { ConfigQuestion, ConfigStep, RemoteConfig } from './config-file.js';

const LINK = /http:\/\/127\.0\.0\.1:\d+\/auth\?state=[A-Za-z0-9_\-.~%]+/;
const PASTE_START = 'Paste the following into your remote machine --->';
const PASTE_END = '<---End paste';

/** A running `rclone authorize`. */
export interface AuthorizeSession {
  /** The link the user opens in a browser (resolves as soon as rclone prints it). */
  readonly link: Promise<string>;
  /** The token JSON string to hand back to the config state machine. */
  readonly token: Promise<string>;
  /** Stops the child; `token` then rejects with kind 'cancelled'. Resolves once it has exited. */
  cancel(): Promise<void>;
  readonly pid: number | undefined;
}

// Extracts the sign-in link from rclone's log text, if it is there yet.
export function findAuthLink(text: string): string | undefined {
  return LINK.exec(text)?.[0];
}

// Extracts the token printed between rclone's paste markers, if the block is complete.
export function findPastedToken(text: string): string | undefined {
  const start = text.indexOf(PASTE_START);
  if (start < 0) return undefined;
  const end = text.indexOf(PASTE_END, start);
  if (end < 0) return undefined;
  const token = text.slice(start + PASTE_START.length, end).trim();
  return token === '' ? undefined : token;
}

// Starts `rclone authorize TYPE` (the browser is opened by the caller, never by rclone).
export function startAuthorize(runner: RcloneRunner, type: string, options: { timeoutMs?: number } = {}): AuthorizeSession {
  assertBackendType(type);
  let onLine: (line: string) => void = () => {};
  const child = runner.start({
    args: ['authorize', type, '--auth-no-open-browser'],
    killAfterMs: 2000,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    onLine: (line) => onLine(line),
  });
  let text = '';
  let cancelled = false;
  let resolveLink!: (link: string) => void;
  let rejectLink!: (error: RemoteError) => void;
  let resolveToken!: (token: string) => void;
  let rejectToken!: (error: RemoteError) => void;
  const link = new Promise<string>((res, rej) => ((resolveLink = res), (rejectLink = rej)));
  const token = new Promise<string>((res, rej) => ((resolveToken = res), (rejectToken = rej)));
  // Nobody may await the link if the token fails first: avoid unhandled rejections.
  link.catch(() => undefined);
  token.catch(() => undefined);

  let linkSeen = false;
  let tokenSeen = false;
  onLine = (line: string): void => {
    text += `${line}\n`;
    if (!linkSeen) {
      const found = findAuthLink(text);
      if (found) {
        linkSeen = true;
        resolveLink(found);
      }
    }
    if (!tokenSeen) {
      const found = findPastedToken(text);
      if (found) {
        tokenSeen = true;
        runner.redactor.add(found);
        resolveToken(found);
      }
    }
  };
  const exited = child.result.then((result) => {
    if (tokenSeen) return;
    const error = cancelled
      ? new RemoteError('cancelled', 'Sign-in was cancelled.')
      : result.timedOut
        ? new RemoteError('timeout', 'Sign-in took too long and was stopped. Try again.')
        : result.spawnError?.code === 'ENOENT'
          ? new RemoteError('spawn-failed', `rclone was not found at ${runner.rclone}.`)
          : new RemoteError('auth-failed', `Sign-in did not finish${lastLine(runner.redactor.text(text))}`, { exitCode: result.exitCode ?? -1 });
    rejectLink(error);
    rejectToken(error);
  });

  return {
    link,
    token,
    pid: child.pid,
    async cancel(): Promise<void> {
      cancelled = true;
      child.stop();
      await exited;
    },
  };
}

function lastLine(text: string): string {
  const line = text.trim().split('\n').pop()?.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, '');
  return line ? `: ${line}` : '.';
}

/** How a caller answers questions of rclone's config state machine that are not OAuth's. */
export type AnswerQuestion = (question: ConfigQuestion) => Promise<string>;

/** Hooks for driving a config state machine that may need a browser sign-in. */
export interface StateMachineHooks {
  /** Starts `rclone authorize`; the caller shows/opens session.link. */
  readonly authorize: (type: string) => AuthorizeSession;
  /** Called with the running sign-in so the UI can show the link and offer cancel. */
  readonly onAuthorize?: (session: AuthorizeSession) => void;
  /** Answers other questions; by default their default value. */
  readonly answer?: AnswerQuestion;
}

// Answers rclone's config questions until done: config_is_local=false, config_token from
// `rclone authorize`, everything else through `answer` (default: rclone's default).
export async function completeConfig(config: RemoteConfig, name: string, type: string, first: ConfigStep, hooks: StateMachineHooks): Promise<void> {
  let step = first;
  for (let guard = 0; step.kind === 'question'; guard += 1) {
    if (guard > 50) throw new RemoteError('protocol', 'rclone kept asking questions; stopped after 50.');
    const q = step.question;
    let result: string;
    if (q.option.Name === 'config_is_local') {
      result = 'false';
    } else if (q.option.Name === 'config_token') {
      const session = hooks.authorize(type);
      hooks.onAuthorize?.(session);
      result = await session.token;
    } else if (hooks.answer) {
      result = await hooks.answer(q);
    } else {
      result = q.option.DefaultStr ?? '';
    }
    step = await config.continue(name, q.state, result);
  }
}

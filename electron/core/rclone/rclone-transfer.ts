// Runs one rclone transfer (copy, sync…) as its own child with JSON stats, and turns what it logs
// into progress, file changes and a verdict under the written exit-code policy. A transfer that
// moves nothing for `stallAfterMs` is ended (a dead server), with the reason in plain words.
import { type Verdict, describeRcloneExit, rcloneVerdict } from '../process/exit-policy.js';
import { DEFAULT_STALL_MS, stallWatch } from '../process/stall-watch.js';
import { type RcloneStats, parseRcloneLine } from './rclone-json.js';
import type { FileChange } from '../runs/destination-runner.js';
import { openPrivateLog } from '../process/log-tail.js';
import { networkReason, remoteOfArgs, stallReason } from './plain-reason.js';
import { type RcloneSetup, networkArgs, runRclone, transferLogArgs } from './rclone-env.js';
import { probeServer, remoteAddress } from './remote-address.js';
import { rcloneActivity } from './transfer-activity.js';

export interface TransferOptions {
  readonly rclone: RcloneSetup;
  /** The rclone subcommand and its operands/flags, e.g. ['copy', src, dst, '--exclude=…']. */
  readonly args: readonly string[];
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly onStats: (stats: RcloneStats) => void;
  readonly onChange?: (c: FileChange) => void;
  /** A file rclone could not transfer, with its words (History's failed files). */
  readonly onFileError?: (path: string, message: string) => void;
  /** End the transfer when nothing moved for this long; default rclone.stallAfterMs, then 5 min; 0: never. */
  readonly stallAfterMs?: number;
}

export interface TransferResult {
  readonly verdict: Verdict;
  readonly stats: RcloneStats | null;
  readonly firstError: string | null;
  readonly exitCode: number | null;
  /** Ended by the stall watchdog. */
  readonly stalled?: boolean;
}

/** Runs the transfer to completion; never throws for rclone failures. */
export async function runRcloneTransfer(o: TransferOptions): Promise<TransferResult> {
  let last: RcloneStats | null = null;
  let firstError: string | null = null;
  const errorText: string[] = [];
  const stallMs = o.stallAfterMs ?? o.rclone.stallAfterMs ?? DEFAULT_STALL_MS;
  const watch = stallMs > 0 ? stallWatch(stallMs) : undefined;
  const activity = rcloneActivity(watch);
  const onLine = (line: string) => {
    o.log(line);
    const parsed = parseRcloneLine(line);
    activity(parsed);
    switch (parsed.type) {
      case 'stats':
        last = parsed.stats;
        o.onStats(parsed.stats);
        break;
      case 'error':
        firstError ??= parsed.object ? `${parsed.object}: ${parsed.message}` : parsed.message;
        if (parsed.object) o.onFileError?.(parsed.object, parsed.message);
        if (errorText.length < 50) errorText.push(parsed.message);
        break;
      case 'file':
        if (parsed.action === 'copied-new') o.onChange?.({ action: 'added', path: parsed.object, size: parsed.size });
        else if (parsed.action === 'copied-replaced' || parsed.action === 'updated') o.onChange?.({ action: 'changed', path: parsed.object, size: parsed.size });
        else if (parsed.action === 'deleted') o.onChange?.({ action: 'deleted', path: parsed.object, size: parsed.size });
        break;
      case 'text':
        // The final fatal summary is plain text even in JSON mode.
        if (/\b(Failed|Fatal error|error)\b/i.test(parsed.text)) {
          firstError ??= parsed.text.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\s+/, '');
          if (errorText.length < 50) errorText.push(parsed.text);
        }
        break;
      case 'log':
        break;
    }
  };
  // rclone's stderr goes straight into a private, already-unlinked file we follow (a pipe would
  // wake us for every line); nothing of it can be left in the temp folder, whatever happens.
  const logFile = openPrivateLog('rclone', onLine);
  let result;
  try {
    result = await runRclone(o.rclone, {
      args: [...transferLogArgs, ...networkArgs, ...o.args],
      signal: o.signal,
      stderrFd: logFile.fd,
      ...(watch ? { stall: watch } : {}),
      onLine,
    });
  } finally {
    logFile.finish();
  }
  if (result.spawnError) {
    return { verdict: 'failed', stats: null, firstError: `rclone could not be started: ${result.spawnError.message}`, exitCode: null };
  }
  const stats = last as RcloneStats | null;
  const remote = remoteOfArgs(o.args);
  if (result.stalled) {
    const address = remote ? await remoteAddress(o.rclone, remote).catch(() => null) : null;
    const reason = stallReason(remote, address, stallMs, address ? await probeServer(address) : 'unknown');
    o.log(`# ${reason}`);
    return { verdict: 'failed', stats, firstError: reason, exitCode: result.exitCode, stalled: true };
  }
  const verdict = rcloneVerdict({ exitCode: result.exitCode, cancelled: result.cancelled, statsErrors: stats?.errors ?? 0 });
  if (verdict === 'failed' && !firstError) firstError = stats?.lastError ?? describeRcloneExit(result.exitCode);
  if (verdict === 'failed' && result.signal && !result.cancelled) firstError = `rclone was stopped by a signal (${result.signal})`;
  // Network trouble reads as what it is, not as the first file that happened to fail.
  if (verdict !== 'success' && verdict !== 'cancelled') {
    const plain = networkReason(remote, [...errorText, stats?.lastError ?? ''].join('\n'));
    if (plain) {
      o.log(`# ${plain}`);
      firstError = plain;
    }
  }
  return { verdict, stats, firstError, exitCode: result.exitCode };
}

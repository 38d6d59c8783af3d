// Runs one rclone transfer (copy, sync…) as its own child with JSON stats, and turns what it logs
// into progress, file changes and a verdict under the written exit-code policy.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Verdict, describeRcloneExit, rcloneVerdict } from '../process/exit-policy.js';
import { runChild } from '../process/child.js';
import { type RcloneStats, parseRcloneLine } from '../progress/rclone-json.js';
import type { FileChange } from '../runs/destination-runner.js';
import { tailLogFile } from './log-tail.js';
import { type RcloneSetup, configArgs, rcloneChildEnv, transferLogArgs } from './rclone-env.js';

export interface TransferOptions {
  readonly rclone: RcloneSetup;
  /** The rclone subcommand and its operands/flags, e.g. ['copy', src, dst, '--exclude=…']. */
  readonly args: readonly string[];
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
  readonly onStats: (stats: RcloneStats) => void;
  readonly onChange?: (c: FileChange) => void;
}

export interface TransferResult {
  readonly verdict: Verdict;
  readonly stats: RcloneStats | null;
  readonly firstError: string | null;
  readonly exitCode: number | null;
}

/** Runs the transfer to completion; never throws for rclone failures. */
export async function runRcloneTransfer(o: TransferOptions): Promise<TransferResult> {
  let last: RcloneStats | null = null;
  let firstError: string | null = null;
  const onLine = (line: string) => {
    o.log(line);
    const parsed = parseRcloneLine(line);
    switch (parsed.type) {
      case 'stats':
        last = parsed.stats;
        o.onStats(parsed.stats);
        break;
      case 'error':
        firstError ??= parsed.object ? `${parsed.object}: ${parsed.message}` : parsed.message;
        break;
      case 'file':
        if (parsed.action === 'copied-new') o.onChange?.({ action: 'added', path: parsed.object, size: parsed.size });
        else if (parsed.action === 'copied-replaced' || parsed.action === 'updated') o.onChange?.({ action: 'changed', path: parsed.object, size: parsed.size });
        else if (parsed.action === 'deleted') o.onChange?.({ action: 'deleted', path: parsed.object, size: parsed.size });
        break;
      case 'text':
        // The final fatal summary is plain text even in JSON mode.
        if (/\b(Failed|Fatal error|error)\b/i.test(parsed.text)) firstError ??= parsed.text.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\s+/, '');
        break;
      case 'log':
        break;
    }
  };
  // rclone logs to a private file that we follow (a pipe would wake us for every line); anything
  // it prints before the log file is open (bad flags) still arrives on stderr.
  const logFile = join(tmpdir(), `reprise-rclone-${process.pid}-${randomBytes(6).toString('hex')}.log`);
  const tail = tailLogFile(logFile, onLine);
  let result;
  try {
    result = await runChild({
      command: o.rclone.bin,
      args: [...configArgs(o.rclone), ...transferLogArgs, `--log-file=${logFile}`, ...o.args],
      env: rcloneChildEnv(o.rclone),
      signal: o.signal,
      onLine,
    });
  } finally {
    tail.finish();
  }
  if (result.spawnError) {
    return { verdict: 'failed', stats: null, firstError: `rclone could not be started: ${result.spawnError.message}`, exitCode: null };
  }
  const stats = last as RcloneStats | null;
  const verdict = rcloneVerdict({ exitCode: result.exitCode, cancelled: result.cancelled, statsErrors: stats?.errors ?? 0 });
  if (verdict === 'failed' && !firstError) firstError = stats?.lastError ?? describeRcloneExit(result.exitCode);
  return { verdict, stats, firstError, exitCode: result.exitCode };
}

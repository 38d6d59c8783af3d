// A request the schemas refused, said in the user's words: the field's label in the window, the
// option's flag on the command line, and what is wrong with it in a plain sentence. Internal names
// (command names, JSON paths like `retention.keepLast`, zod's "Too small: expected number to be
// >=0") never reach a user. Pure: dispatch uses it for every transport, tests read it directly.

/** Who reads the message: the window (field labels) or the command line (flags). */
export type Audience = 'window' | 'cli';

/** One problem as the schema reported it (the subset of a zod issue this needs). */
export interface RequestIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly origin?: string;
  readonly expected?: string;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  readonly inclusive?: boolean;
}

type Labels = Readonly<Record<string, { readonly window: string; readonly cli: string }>>;

// Fields by their path with indices replaced by `*`; a command may name a field its own way.
const common: Labels = {
  name: { window: 'Name', cli: 'NAME' },
  sources: { window: 'Source folders', cli: '--source' },
  'sources.*': { window: 'Source folder #', cli: '--source' },
  destinations: { window: 'Destinations', cli: '--snapshot, --mirror or --copy' },
  'destinations.*': { window: 'Destination #', cli: 'destination #' },
  'destinations.*.target': { window: 'Destination #', cli: 'destination #' },
  'destinations.*.kind': { window: 'Keep destination # as', cli: 'the kind of destination #' },
  excludes: { window: 'Leave out', cli: '--exclude' },
  'excludes.*': { window: 'Leave out (line #)', cli: '--exclude' },
  schedule: { window: 'When', cli: '--schedule' },
  bwlimit: { window: 'Bandwidth limit', cli: '--bwlimit' },
  retention: { window: 'Restore points to keep', cli: '--keep-*' },
  'retention.keepLast': { window: 'Keep the newest', cli: '--keep-last' },
  'retention.keepDaily': { window: 'Keep one a day for (days)', cli: '--keep-daily' },
  'retention.keepWeekly': { window: 'Keep one a week for (weeks)', cli: '--keep-weekly' },
  'retention.keepMonthly': { window: 'Keep one a month for (months)', cli: '--keep-monthly' },
  staleAfterDays: { window: 'Warn when no backup succeeded for (days)', cli: '--stale-days' },
  transfers: { window: 'Files in parallel', cli: '--transfers' },
  checkers: { window: 'Checkers', cli: '--checkers' },
  verify: { window: 'Verify after each backup', cli: '--verify' },
  checksum: { window: 'Compare by checksum', cli: '--checksum' },
  dryRun: { window: 'Preview', cli: '--dry-run' },
  path: { window: 'Item', cli: '--path' },
  at: { window: 'Version', cli: '--at' },
  from: { window: 'Restore from', cli: '--from' },
  to: { window: 'Restore to', cli: '--to' },
  policy: { window: 'If a file is already there', cli: '--conflict' },
  deep: { window: 'Read every byte', cli: '--deep' },
  type: { window: 'Storage type', cli: 'TYPE' },
  options: { window: 'Settings', cli: 'KEY=VALUE' },
  'options.*': { window: 'Setting “#”', cli: '#=…' },
  target: { window: 'Destination', cli: 'REMOTE:PATH' },
  password: { window: 'Password', cli: 'password' },
  salt: { window: 'Second password (salt)', cli: 'salt' },
  force: { window: 'Delete anyway', cli: '--force' },
  timeoutMs: { window: 'Time limit', cli: '--timeout' },
  remote: { window: 'Remote', cli: 'REMOTE' },
  fs: { window: 'Remote folder', cli: 'REMOTE:PATH' },
  mountPoint: { window: 'Mount at', cli: 'mount point' },
  cacheMode: { window: 'Cache', cli: 'cache mode' },
  webhookUrl: { window: 'Webhook', cli: '--webhook' },
  notifyOnSuccess: { window: 'Also tell me when a backup succeeds', cli: '--on-success' },
  concurrency: { window: 'Backups at the same time', cli: 'concurrency' },
  choice: { window: 'Pause', cli: 'how long' },
  expression: { window: 'Schedule', cli: '--schedule' },
  limit: { window: 'How many', cli: '--limit' },
  runId: { window: 'Run', cli: 'RUN' },
  outcome: { window: 'Outcome', cli: 'outcome' },
};

const byCommand: Readonly<Record<string, Labels>> = {
  'jobs:add': { name: { window: 'Name', cli: 'NAME (the job name)' } },
  'jobs:update': { name: { window: 'Name', cli: 'NAME (the job name)' } },
  'remotes:add': { name: { window: 'Remote name', cli: 'NAME (the remote name)' } },
  'remotes:crypt': { name: { window: 'Name of the encrypted remote', cli: 'NAME' }, target: { window: 'Remote and folder to encrypt', cli: 'REMOTE:PATH' } },
  'browse:list': { path: { window: 'Folder', cli: 'PATH' } },
  'folders:list': { path: { window: 'Folder', cli: 'PATH' } },
  'browse:download': { to: { window: 'Save to', cli: 'DIR' } },
  'remotes:use-config': { path: { window: 'rclone config file', cli: '--rclone-config' } },
};

/** The words for one field: its label or flag; `#` in a label becomes the (1-based) position. */
export function fieldName(command: string, path: readonly PropertyKey[], audience: Audience): string {
  // Indices, and the free-form keys of a remote's settings, are `*` in the table.
  const key = path.map((p, i) => (typeof p === 'number' || (i === 1 && path[0] === 'options') ? '*' : String(p))).join('.');
  const firstIndex = path.find((p) => typeof p === 'number');
  const lastText = [...path].reverse().find((p) => typeof p === 'string');
  const fill = (label: string) => label.replace('#', key.startsWith('options.') ? String(path[1]) : firstIndex !== undefined ? String(Number(firstIndex) + 1) : '').replace(/\s+$/, '');
  // The most precise label known: the whole path, then shorter prefixes.
  const parts = key.split('.');
  for (let n = parts.length; n > 0; n--) {
    const k = parts.slice(0, n).join('.');
    const label = byCommand[command]?.[k] ?? common[k];
    if (label) return fill(label[audience]);
  }
  // Unknown field: its name in words ("restoreId" → "restore id"), never a dotted path.
  return String(lastText ?? 'the request')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

const quote = (v: unknown) => (typeof v === 'string' ? `“${v}”` : String(v));

function oneOf(values: readonly unknown[]): string {
  const words = values.map(quote);
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/**
 * What is wrong, in plain words, for zod's own messages; a message the schema wrote itself (already
 * plain) is kept. Used as the per-parse error map, so it only sees issues without a custom message.
 */
export function plainIssueText(issue: Omit<RequestIssue, 'message' | 'path'> & { readonly input?: unknown }): string | undefined {
  const min = issue.minimum !== undefined ? Number(issue.minimum) : undefined;
  const max = issue.maximum !== undefined ? Number(issue.maximum) : undefined;
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string') return min === 1 ? 'is required' : `needs at least ${min} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return min === 1 ? 'needs at least one entry' : `needs at least ${min} entries`;
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${min}`;
    case 'too_big':
      if (issue.origin === 'string') return `is at most ${max} characters`;
      if (issue.origin === 'array' || issue.origin === 'set') return `takes at most ${max} entries`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${max}`;
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.expected === 'int') return 'must be a whole number';
      if (issue.expected === 'number') return 'must be a number';
      if (issue.expected === 'boolean') return 'must be yes or no';
      if (issue.expected === 'string') return 'must be text';
      if (issue.expected === 'array') return 'must be a list';
      return 'has the wrong form';
    case 'invalid_value':
      return issue.values && issue.values.length > 0 ? `must be one of ${oneOf(issue.values)}` : 'is not a value Reprise knows';
    case 'unrecognized_keys':
      return issue.keys && issue.keys.length > 0 ? `has settings Reprise does not know: ${issue.keys.join(', ')}` : 'has settings Reprise does not know';
    case 'invalid_format':
      return 'is not in the right form';
    case 'not_multiple_of':
      return 'must be a whole number';
    default:
      return undefined;
  }
}

/** Every problem of a refused request as one sentence a user can act on. */
export function describeRequestProblems(command: string, issues: readonly RequestIssue[], audience: Audience): string {
  const lines = issues.map((i) => {
    const text = i.message.replace(/\.$/, '');
    return i.path.length > 0 ? `${fieldName(command, i.path, audience)}: ${text}` : text.charAt(0).toUpperCase() + text.slice(1);
  });
  // The same words twice (e.g. two bad excludes) say nothing new.
  return [...new Set(lines)].join('; ') + '.';
}

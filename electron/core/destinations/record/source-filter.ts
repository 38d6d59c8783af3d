// The job's excludes, applied to the source walk exactly as rclone applies them: rclone itself turns
// the patterns into its rule list (`--dump filters`), and the walk runs those rules. So the record of
// a point never disagrees with what rclone copied, and nobody maintains a second glob dialect.
import type { RcloneExec } from '../../rclone/rclone-exec.js';
import type { FilterRules } from './walk-thread.js';

/** Whether a path (relative to the source folder, '/'-separated text) is part of the backup. */
export interface SourceFilter {
  includeFile(rel: string): boolean;
  /** `rel` without a trailing slash. */
  includeDir(rel: string): boolean;
  /** The same rules as data, for the walk's thread; absent: this filter runs only where it was made. */
  readonly rules?: FilterRules;
}

/** Everything is included. */
export const includeAll: SourceFilter = { includeFile: () => true, includeDir: () => true };

interface Rule {
  readonly include: boolean;
  readonly re: RegExp;
}

/** A pattern rclone accepts but this walk cannot run the same way. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

/** Go's regexp syntax as rclone writes it is JavaScript's, except the inline (?i) flag. */
function compile(source: string): RegExp {
  const ignoreCase = source.startsWith('(?i)');
  return new RegExp(ignoreCase ? source.slice(4) : source, ignoreCase ? 'iu' : 'u');
}

/** Parses rclone's `--dump filters` output into a filter. */
export function parseFilterDump(text: string): SourceFilter {
  const fileRules: Rule[] = [];
  const dirRules: Rule[] = [];
  let section: Rule[] | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('--- File filter rules')) section = fileRules;
    else if (line.startsWith('--- Directory filter rules')) section = dirRules;
    else if (line.startsWith('---')) section = null;
    else if (section && /^[+-] /.test(line)) {
      try {
        section.push({ include: line[0] === '+', re: compile(line.slice(2)) });
      } catch (e) {
        throw new FilterError(`rclone's rule ${line.slice(2)} cannot be used here: ${(e as Error).message}`);
      }
    }
  }
  const decide = (rules: readonly Rule[], path: string): boolean => {
    for (const r of rules) if (r.re.test(path)) return r.include;
    return true;
  };
  if (fileRules.length === 0 && dirRules.length === 0) return includeAll;
  const data = (rules: readonly Rule[]) => rules.map((r) => ({ include: r.include, source: r.re.source, flags: r.re.flags }));
  return {
    includeFile: (rel) => decide(fileRules, rel),
    includeDir: (rel) => decide(dirRules, `${rel}/`),
    rules: { file: data(fileRules), dir: data(dirRules) },
  };
}

/** Asks rclone how it reads the job's excludes; includeAll when there are none. */
export async function loadSourceFilter(exec: RcloneExec, excludes: readonly string[], emptyDir: string, signal?: AbortSignal): Promise<SourceFilter> {
  if (excludes.length === 0) return includeAll;
  const r = await exec({ args: ['lsf', '--dump', 'filters', ...excludes.map((e) => `--exclude=${e}`), '--', emptyDir], ...(signal ? { signal } : {}) });
  if (r.exitCode !== 0 || !r.stdout.includes('--- start filters ---')) {
    throw new FilterError(`rclone did not accept the exclude patterns (${excludes.join(', ')}): ${r.stderrTail.at(-1) ?? `exit ${r.exitCode}`}`);
  }
  return parseFilterDump(r.stdout);
}

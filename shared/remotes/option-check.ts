// Checks a remote's settings against what the installed rclone says its storage type takes
// (`rclone config providers`), before anything is saved: an unknown type or setting, a value of
// the wrong kind, a web address without http(s)://, a required setting left out. rclone itself
// saves all of these without a word and fails later, at the first backup. Pure: the core checks
// every add and edit with it, and the wizard can show the same words next to a field.
import type { RcloneOption, RcloneProvider } from './provider-types.js';

/** One problem with the settings, in plain words, with the next step. */
export interface OptionProblem {
  /** The setting it is about; null for the storage type itself. */
  readonly key: string | null;
  readonly message: string;
  readonly hint?: string;
}

/** How different two words are (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest of some words to what was typed, when it is close enough to be a likely typo. */
export function closest(typed: string, words: readonly string[]): string | null {
  const t = typed.toLowerCase();
  let best: { word: string; d: number } | null = null;
  for (const w of words) {
    const lw = w.toLowerCase();
    const d = lw.startsWith(t) || t.startsWith(lw) ? Math.min(1, distance(t, lw)) : distance(t, lw);
    if (!best || d < best.d) best = { word: w, d };
  }
  return best && best.d <= Math.max(2, Math.floor(t.length / 3)) ? best.word : null;
}

/** The backend of a storage type name, as `rclone config create` accepts it (its Name or Prefix). */
export function findProvider(providers: readonly RcloneProvider[], type: string): RcloneProvider | undefined {
  return providers.find((p) => p.Name === type || p.Prefix === type);
}

/** Why a type name is unknown, with the likely one. */
export function unknownTypeProblem(providers: readonly RcloneProvider[], type: string): OptionProblem {
  const names = providers.filter((p) => !p.Hide).map((p) => p.Prefix || p.Name);
  const guess = closest(type, names);
  return {
    key: null,
    message: `This rclone has no storage type "${type}".${guess ? ` Did you mean "${guess}"?` : ''}`,
    hint: `Storage types: ${names.join(', ')}.`,
  };
}

// Go's strconv.ParseBool, which rclone uses.
const BOOL = /^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/;
const SIZE = /^(off|-1|\d+(\.\d+)?([bkmgtpe]i?b?)?)$/i;
const DURATION = /^(off|-1|0|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h|d|w|M|y))+)$/;

/** A web address setting: rclone needs the scheme, and "nas.local:8080" alone fails only at the first backup. */
function wantsWebAddress(o: RcloneOption): boolean {
  return o.Name === 'url' && /\bhttps?:\/\/|\bURL\b/i.test(o.Help);
}

/** What is wrong with one value for its option, or null. */
export function valueProblem(o: RcloneOption, value: string): string | null {
  if (value === '') return null;
  switch (o.Type) {
    case 'bool':
      return BOOL.test(value) ? null : 'must be true or false';
    case 'int':
      return /^-?\d+$/.test(value) ? null : 'must be a whole number';
    case 'SizeSuffix':
      return SIZE.test(value) ? null : 'must be a size such as 100M or 1G';
    case 'Duration':
      return DURATION.test(value) ? null : 'must be a duration such as 30s, 5m or 1h';
    default:
      break;
  }
  if (o.Exclusive && o.Examples && o.Examples.length > 0 && !o.Examples.some((e) => e.Value === value)) {
    return `must be one of ${o.Examples.map((e) => `"${e.Value}"`).join(', ')}`;
  }
  if (wantsWebAddress(o) && !/^https?:\/\/[^\s/]/i.test(value)) return `must be a web address starting with http:// or https://, e.g. "https://${value.replace(/^\w+:\/\//, '')}"`;
  return null;
}

/**
 * Every problem with settings for a remote of `type`. `creating`: a required setting without a
 * default must be given (an edit keeps what is saved). Keys rclone hides (tokens, internal state)
 * are accepted: rclone writes some of them itself.
 */
export function checkRemoteOptions(providers: readonly RcloneProvider[], type: string, options: Readonly<Record<string, string>>, creating: boolean): OptionProblem[] {
  const provider = findProvider(providers, type);
  if (!provider) return [unknownTypeProblem(providers, type)];
  const byName = new Map(provider.Options.map((o) => [o.Name, o]));
  const shown = [...new Set(provider.Options.filter((o) => !o.Hide).map((o) => o.Name))];
  const problems: OptionProblem[] = [];
  for (const [key, value] of Object.entries(options)) {
    const o = byName.get(key);
    if (!o) {
      const guess = closest(key, shown);
      problems.push({ key, message: `"${key}" is not a setting of ${provider.Name} remotes.${guess ? ` Did you mean "${guess}"?` : ''}`, hint: `Its settings: ${shown.join(', ')}.` });
      continue;
    }
    const problem = valueProblem(o, value);
    if (problem) problems.push({ key, message: `The setting "${key}" ${problem}.` });
  }
  if (creating) {
    // Options filtered by a sub-provider (s3's, koofr's) are left to rclone: which apply depends on it.
    for (const o of provider.Options) {
      const noDefault = o.Default === '' || o.Default === null || o.Default === undefined;
      if (o.Required && !o.Provider && noDefault && !o.Hide && (options[o.Name] ?? '') === '') {
        problems.push({ key: o.Name, message: `Remotes of type ${provider.Name} need the setting "${o.Name}" (${o.Help.split('\n')[0]!.replace(/\.$/, '')}).` });
      }
    }
  }
  return problems;
}

// A pure model of the "add remote" wizard, generated from `rclone config providers` JSON:
// every backend of the installed rclone, popular ones first, required options first, advanced
// ones folded, examples as choices, S3 options filtered by the chosen S3 provider.
import type { RcloneExample, RcloneOption, RcloneProvider } from './provider-types.js';
import { isSecretName } from './mask.js';
import { valueProblem } from './option-check.js';

/** How a field is shown. */
export type FieldControl = 'text' | 'password' | 'checkbox' | 'number' | 'select' | 'combo';

/** One choice of a field (from rclone's Examples). */
export interface FieldChoice {
  readonly value: string;
  readonly label: string;
  /** rclone's Provider filter of this example ('' = all). */
  readonly provider?: string;
}

/** One form field generated from a backend option. */
export interface WizardField {
  readonly name: string;
  /** First line of the help, as a label. */
  readonly label: string;
  /** The rest of the help text. */
  readonly help: string;
  readonly control: FieldControl;
  readonly required: boolean;
  readonly advanced: boolean;
  /** rclone stores it obscured (`rclone obscure`). */
  readonly isPassword: boolean;
  /** Never shown back in clear (passwords, keys, tokens). */
  readonly sensitive: boolean;
  readonly defaultValue: string;
  readonly choices: readonly FieldChoice[];
  /** rclone's Provider filter ('' = every provider, 'A,B', or '!A,B'). */
  readonly providerFilter: string;
  /** rclone's description of the option, to check a value as saving would (a URL without http://). */
  readonly option?: RcloneOption;
}

/** One entry of the provider list (a backend, or an S3-compatible preset of the s3 backend). */
export interface WizardEntry {
  /** Stable id, e.g. "s3", "s3:Wasabi", "drive". */
  readonly id: string;
  /** Backend type passed to `rclone config create`. */
  readonly type: string;
  readonly label: string;
  readonly description: string;
  readonly popular: boolean;
  /**
   * Not a place to keep a backup by itself: it wraps or merges other remotes (crypt, union,
   * chunker …), keeps nothing (memory) or cannot be written (http). Offered under "Advanced".
   */
  readonly advanced: boolean;
  /** Needs a browser sign-in (`rclone authorize`). */
  readonly oauth: boolean;
  /** Options fixed by the entry (e.g. provider=Wasabi). */
  readonly preset: Readonly<Record<string, string>>;
}

/** The form of one entry, split into the parts the wizard shows. */
export interface WizardForm {
  readonly entry: WizardEntry;
  /** Required fields, first. */
  readonly required: readonly WizardField[];
  /** Other basic fields. */
  readonly optional: readonly WizardField[];
  /** Advanced fields, folded. */
  readonly advanced: readonly WizardField[];
}

/** The whole wizard: entries in display order plus the raw fields per backend. */
export interface WizardModel {
  readonly entries: readonly WizardEntry[];
  readonly fields: Readonly<Record<string, readonly WizardField[]>>;
}

// Popular first, in this order. S3-compatible services are presets of the s3 backend.
const POPULAR: readonly { id: string; type: string; label: string; preset?: Record<string, string> }[] = [
  { id: 's3:AWS', type: 's3', label: 'Amazon S3', preset: { provider: 'AWS' } },
  { id: 'b2', type: 'b2', label: 'Backblaze B2' },
  { id: 's3:Wasabi', type: 's3', label: 'Wasabi', preset: { provider: 'Wasabi' } },
  { id: 's3:Minio', type: 's3', label: 'MinIO', preset: { provider: 'Minio' } },
  { id: 's3:Cloudflare', type: 's3', label: 'Cloudflare R2', preset: { provider: 'Cloudflare' } },
  { id: 's3', type: 's3', label: 'Other S3-compatible storage' },
  { id: 'drive', type: 'drive', label: 'Google Drive' },
  { id: 'dropbox', type: 'dropbox', label: 'Dropbox' },
  { id: 'onedrive', type: 'onedrive', label: 'Microsoft OneDrive' },
  { id: 'sftp', type: 'sftp', label: 'SFTP (SSH)' },
  { id: 'webdav', type: 'webdav', label: 'WebDAV (Nextcloud, ownCloud …)' },
  { id: 'smb', type: 'smb', label: 'SMB / Windows share' },
  { id: 'local', type: 'local', label: 'Local disk or NAS folder' },
];

// Names people know, for the backends rclone describes in its own words ("Transparently
// chunk/split large files"); a backend not listed here keeps rclone's description.
const LABELS: Readonly<Record<string, string>> = {
  'amazon cloud drive': 'Amazon Drive',
  azureblob: 'Microsoft Azure Blob Storage',
  box: 'Box',
  fichier: '1Fichier',
  filefabric: 'Enterprise File Fabric',
  ftp: 'FTP',
  'google cloud storage': 'Google Cloud Storage',
  'google photos': 'Google Photos',
  hdfs: 'Hadoop (HDFS)',
  hidrive: 'HiDrive',
  internetarchive: 'Internet Archive',
  jottacloud: 'Jottacloud',
  koofr: 'Koofr and Digi Storage',
  mailru: 'Mail.ru Cloud',
  netstorage: 'Akamai NetStorage',
  opendrive: 'OpenDrive',
  pcloud: 'pCloud',
  premiumizeme: 'premiumize.me',
  putio: 'put.io',
  seafile: 'Seafile',
  sharefile: 'Citrix ShareFile',
  sia: 'Sia',
  storj: 'Storj',
  sugarsync: 'SugarSync',
  swift: 'OpenStack Swift (Rackspace, OVH …)',
  uptobox: 'Uptobox',
  yandex: 'Yandex Disk',
  zoho: 'Zoho WorkDrive',
  // Advanced: wrappers, merges, nothing kept, read-only.
  alias: 'Alias: a short name for a remote and folder',
  cache: 'Cache in front of another remote',
  chunker: 'Chunker: splits large files on another remote',
  combine: 'Combine: several remotes as one',
  compress: 'Compress: files compressed on another remote',
  crypt: 'Crypt: encrypts another remote',
  hasher: 'Hasher: checksums for another remote',
  memory: 'Memory: kept in RAM until rclone stops',
  union: 'Union: merges several remotes',
  http: 'HTTP website (read-only)',
};

/** Backends that are not a destination on their own (see WizardEntry.advanced). */
const ADVANCED = new Set(['alias', 'cache', 'chunker', 'combine', 'compress', 'crypt', 'hasher', 'memory', 'union', 'http']);

// Builds the wizard from the parsed output of `rclone config providers`.
export function buildWizardModel(providers: readonly RcloneProvider[]): WizardModel {
  const byName = new Map(providers.map((p) => [p.Name, p]));
  const fields: Record<string, readonly WizardField[]> = {};
  for (const p of providers) fields[p.Name] = p.Options.filter((o) => !o.Hide).map(toField);

  const entries: WizardEntry[] = [];
  const seen = new Set<string>();
  for (const item of POPULAR) {
    const p = byName.get(item.type);
    if (!p) continue; // This rclone build lacks the backend.
    if (item.preset?.provider && !providerChoices(p).some((c) => c.value === item.preset?.provider)) continue;
    entries.push({ id: item.id, type: p.Name, label: item.label, description: p.Description, popular: true, advanced: false, oauth: isOAuth(p), preset: item.preset ?? {} });
    seen.add(item.type);
  }
  const label = (p: RcloneProvider) => LABELS[p.Name] ?? p.Description.replace(/\.$/, '');
  const rest = providers
    .filter((p) => !seen.has(p.Name) && !p.Hide)
    .sort((a, b) => Number(ADVANCED.has(a.Name)) - Number(ADVANCED.has(b.Name)) || label(a).localeCompare(label(b)));
  for (const p of rest) {
    entries.push({ id: p.Name, type: p.Name, label: label(p), description: p.Description.replace(/\.$/, ''), popular: false, advanced: ADVANCED.has(p.Name), oauth: isOAuth(p), preset: {} });
  }
  return { entries, fields };
}

// The form of one entry; `values` are the answers so far (the s3 `provider` filters options).
export function formFor(model: WizardModel, entryId: string, values: Readonly<Record<string, string>> = {}): WizardForm {
  const entry = model.entries.find((e) => e.id === entryId);
  if (!entry) throw new Error(`Unknown provider entry: ${entryId}`);
  const subProvider = entry.preset.provider ?? values.provider ?? '';
  const all = (model.fields[entry.type] ?? [])
    .filter((f) => !(f.name in entry.preset))
    .filter((f) => matchesProvider(f.providerFilter, subProvider));
  // The same option may appear once per provider (s3 region, endpoint): keep the first match.
  const unique = new Map<string, WizardField>();
  for (const f of all) if (!unique.has(f.name)) unique.set(f.name, f);
  const fields = [...unique.values()].map((f) => filterChoices(f, subProvider));
  return {
    entry,
    required: fields.filter((f) => f.required && !f.advanced),
    optional: fields.filter((f) => !f.required && !f.advanced),
    advanced: fields.filter((f) => f.advanced),
  };
}

// Plain-words problems with the answers: a missing required field, a number that is not one.
export function validateForm(form: WizardForm, values: Readonly<Record<string, string>>): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const f of [...form.required, ...form.optional, ...form.advanced]) {
    const v = values[f.name] ?? '';
    if (f.required && v.trim() === '' && f.defaultValue === '') problems[f.name] = `${f.label} is required.`;
    if (f.control === 'number' && v !== '' && !/^-?\d+$/.test(v)) problems[f.name] = `${f.label} must be a whole number.`;
    if (f.control === 'select' && v !== '' && !f.choices.some((c) => c.value === v)) problems[f.name] = `Pick one of the choices for ${f.label}.`;
    // The checks saving makes, said at the field under its label rather than by rclone's key name.
    const problem = !problems[f.name] && f.option && f.control !== 'password' ? valueProblem(f.option, v.trim()) : null;
    if (problem) problems[f.name] = `${f.label} ${problem}.`;
  }
  return problems;
}

// The options to send to rclone: the preset plus answers that differ from the default.
export function optionsToSave(form: WizardForm, values: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...form.entry.preset };
  for (const f of [...form.required, ...form.optional, ...form.advanced]) {
    const v = values[f.name];
    if (v === undefined || v === '') continue;
    if (v === f.defaultValue && !f.required) continue;
    out[f.name] = v;
  }
  return out;
}

// True when an option with rclone's Provider filter applies to the chosen S3 provider.
export function matchesProvider(filter: string | undefined, provider: string): boolean {
  if (!filter) return true;
  const negate = filter.startsWith('!');
  const list = (negate ? filter.slice(1) : filter).split(',').map((s) => s.trim());
  return negate ? !list.includes(provider) : list.includes(provider);
}

// Keeps only the examples meant for the chosen provider (rclone filters examples the same way).
function filterChoices(field: WizardField, provider: string): WizardField {
  if (!field.choices.some((c) => c.provider)) return field;
  return { ...field, choices: field.choices.filter((c) => matchesProvider(c.provider, provider)) };
}

function providerChoices(p: RcloneProvider): FieldChoice[] {
  const opt = p.Options.find((o) => o.Name === 'provider');
  return (opt?.Examples ?? []).map(exampleChoice);
}

function isOAuth(p: RcloneProvider): boolean {
  const names = new Set(p.Options.map((o) => o.Name));
  return names.has('token') && names.has('auth_url');
}

function exampleChoice(e: RcloneExample): FieldChoice {
  return { value: e.Value, label: e.Help.split('\n')[0] || e.Value, ...(e.Provider ? { provider: e.Provider } : {}) };
}

function toField(o: RcloneOption): WizardField {
  const [first = o.Name, ...rest] = (o.Help ?? '').split('\n');
  const choices = o.Type === 'bool' ? [] : (o.Examples ?? []).map(exampleChoice);
  const sensitive = Boolean(o.IsPassword) || isSecretName(o.Name);
  let control: FieldControl = 'text';
  if (sensitive) control = 'password';
  else if (o.Type === 'bool') control = 'checkbox';
  else if (o.Type === 'int') control = 'number';
  else if (choices.length > 0) control = o.Exclusive ? 'select' : 'combo';
  return {
    name: o.Name,
    label: first.replace(/\.$/, ''),
    help: rest.join('\n').trim(),
    control,
    required: Boolean(o.Required),
    advanced: Boolean(o.Advanced),
    isPassword: Boolean(o.IsPassword),
    sensitive,
    defaultValue: o.DefaultStr ?? '',
    choices,
    providerFilter: o.Provider ?? '',
    option: o,
  };
}

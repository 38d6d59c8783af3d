// Whether a delete on a remote can be undone there: rclone deletes into the provider's trash on a
// few backends by default (Drive's use_trash, OneDrive's recycle bin, …) and for good everywhere
// else (local folders, SFTP, WebDAV, S3, FTP, SMB). Read from rclone's own view of the config
// (`config dump`), following crypt/alias/… wrappers to the remote that stores the files. When in
// doubt it says "deleted for good": the confirmation must never promise a trash that is not there.
import type { TrashKind } from '../../../shared/files.js';
import { parseTarget, remoteOf } from '../../../shared/remotes/remote-path.js';
import { type RcloneSetup, runRclone } from '../rclone/rclone-env.js';
import { parseConfigDump } from '../rclone/rclone-output.js';

type Section = Readonly<Record<string, string>>;

const yes = (v: string | undefined, dflt: boolean): boolean => (v === undefined || v === '' ? dflt : /^(true|1|yes)$/i.test(v));

/** Backends whose delete goes to a trash unless an option turns it off (option, its default). */
const TRASH_BY_DEFAULT: Readonly<Record<string, (s: Section) => TrashKind>> = {
  drive: (s) => (yes(s.use_trash, true) ? 'trash' : 'permanent'),
  onedrive: (s) => (yes(s.hard_delete, false) ? 'permanent' : 'trash'),
  jottacloud: (s) => (yes(s.hard_delete, false) ? 'permanent' : 'trash'),
  yandex: (s) => (yes(s.hard_delete, false) ? 'permanent' : 'trash'),
  mega: (s) => (yes(s.hard_delete, false) ? 'permanent' : 'trash'),
  box: () => 'trash',
  pcloud: () => 'trash',
  dropbox: () => 'trash',
  b2: (s) => (yes(s.hard_delete, false) ? 'permanent' : 'hidden'),
};

/** Backends that only wrap another remote (named in their `remote` option). */
const WRAPPERS = new Set(['crypt', 'alias', 'chunker', 'compress', 'hasher']);

/** Where a delete of `target` goes, given the parsed `rclone config dump`. */
export function trashOf(target: string, dump: Readonly<Record<string, Section>>): TrashKind {
  const t = parseTarget(target);
  if (t.type !== 'remote') return 'permanent';
  let name: string | null = t.remote;
  for (let depth = 0; depth < 8 && name; depth++) {
    const section: Section | undefined = dump[name];
    if (!section) return 'permanent';
    const type = section.type ?? '';
    const kind = TRASH_BY_DEFAULT[type];
    if (kind) return kind(section);
    if (!WRAPPERS.has(type) || !section.remote) return 'permanent';
    // "remote = gdrive:Music" or a local path for alias ("/srv/music").
    name = remoteOf(section.remote);
  }
  return 'permanent';
}

/** Where a delete of `target` goes, from rclone's config. */
export async function remoteTrash(setup: RcloneSetup, target: string): Promise<TrashKind> {
  if (parseTarget(target).type !== 'remote') return 'permanent';
  const r = await runRclone(setup, { args: ['config', 'dump'], keepStdout: true });
  if (r.exitCode !== 0) return 'permanent';
  try {
    return trashOf(target, parseConfigDump(r.stdout));
  } catch {
    return 'permanent';
  }
}

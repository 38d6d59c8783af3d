// The crypt wizard: wrap an existing remote:path in an encrypting remote, with generated or
// user-chosen passwords that rclone stores obscured.
import { generatePassword, passwordWeakness } from '../../../shared/remotes/passwords.js';
import { RemoteError } from './errors.js';
import { remoteOf } from '../../../shared/remotes/remote-path.js';
import { assertRemoteName } from './names.js';
import type { RemoteConfig } from './config-file.js';

/** What the crypt wizard asks for. */
export interface CryptRequest {
  readonly name: string;
  /** The wrapped remote and path, e.g. "b2:my-bucket/music". */
  readonly target: string;
  /** The encryption password; generated when absent. */
  readonly password?: string;
  /** The salt password ("password2"); generated when absent. */
  readonly salt?: string;
  /** Encrypt file and folder names (rclone's default) or keep them readable. */
  readonly encryptNames?: boolean;
}

/** The passwords actually used; shown once so the user can keep them safe. */
export interface CryptPasswords {
  readonly password: string;
  readonly salt: string;
}

// Creates the crypt remote and returns the passwords it uses (the caller must show them once).
export async function createCryptRemote(config: RemoteConfig, request: CryptRequest): Promise<CryptPasswords> {
  assertRemoteName(request.name);
  const remote = remoteOf(request.target);
  if (!remote) throw new RemoteError('invalid-option', 'Choose the remote (and folder) to encrypt, e.g. "b2:bucket/music".');
  assertRemoteName(remote);
  if (remote === request.name) throw new RemoteError('invalid-option', 'A crypt remote cannot wrap itself.');
  const remotes = await config.list();
  if (!remotes.some((r) => r.name === remote)) throw new RemoteError('not-found', `There is no remote called "${remote}" to encrypt.`);
  for (const pw of [request.password, request.salt]) {
    if (pw === undefined) continue;
    const weakness = passwordWeakness(pw);
    if (weakness) throw new RemoteError('invalid-option', weakness);
  }
  const password = request.password ?? generatePassword();
  const salt = request.salt ?? generatePassword();
  const encryptNames = request.encryptNames ?? true;
  await config.create(request.name, 'crypt', {
    remote: request.target,
    password,
    password2: salt,
    filename_encryption: encryptNames ? 'standard' : 'off',
    directory_name_encryption: encryptNames ? 'true' : 'false',
  });
  return { password, salt };
}

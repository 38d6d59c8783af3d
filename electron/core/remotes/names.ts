// Validation of remote names and option keys before they reach rclone's command line.
import { remoteNameProblem } from '../../../shared/remotes/names.js';
import { remoteTarget } from '../../../shared/remotes/remote-path.js';
import { RemoteError } from './errors.js';

export { remoteNameProblem };

// Throws an `invalid-name` RemoteError unless the name is usable.
export function assertRemoteName(name: string): void {
  const problem = remoteNameProblem(name);
  if (problem) throw new RemoteError('invalid-name', problem);
}

const OPTION_KEY = /^[a-z0-9_]+$/;

// Throws an `invalid-option` RemoteError for keys rclone would not know or values it would misread.
export function assertOption(key: string, value: string): void {
  if (!OPTION_KEY.test(key)) throw new RemoteError('invalid-option', `"${key}" is not a valid option name.`);
  if (/[\r\n]/.test(value)) throw new RemoteError('invalid-option', `The value of "${key}" cannot contain a line break.`);
}

// Throws unless a backend type name looks like one rclone lists (e.g. "s3", "google cloud storage").
export function assertBackendType(type: string): void {
  if (!/^[a-z0-9][a-z0-9 ]*$/.test(type)) throw new RemoteError('invalid-option', `"${type}" is not a storage type rclone knows.`);
}

// Joins a remote name and a path into the "name:path" form rclone takes, refusing bad names.
export function remotePath(remote: string, path = ''): string {
  assertRemoteName(remote);
  if (/[\r\n]/.test(path)) throw new RemoteError('invalid-option', 'A path cannot contain a line break.');
  return remoteTarget(remote, path);
}

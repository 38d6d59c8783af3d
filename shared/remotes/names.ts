// Remote name rules shared by the core, the contract schemas and the wizard form.

// rclone accepts letters, digits, `_ . + @ -` and spaces inside a name; we are a little stricter
// at the ends so a name can never be read as a flag or lose its edges.
const NAME_CHARS = /^[\p{L}\p{N}_.+@ -]+$/u;
const MAX_NAME = 100;

// Returns a plain reason why a remote name is unusable, or undefined when it is fine.
export function remoteNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give the remote a name.';
  if (name.length > MAX_NAME) return `A remote name can be at most ${MAX_NAME} characters.`;
  if (name.includes(':')) return 'A remote name cannot contain a colon (":").';
  if (name.startsWith('-')) return 'A remote name cannot start with a dash ("-").';
  if (name !== name.trim()) return 'A remote name cannot start or end with a space.';
  if (!NAME_CHARS.test(name)) return 'A remote name can use letters, digits, spaces and _ . + @ - only.';
  return undefined;
}

// True when rclone and Reprise accept the name.
export function isValidRemoteName(name: string): boolean {
  return remoteNameProblem(name) === undefined;
}

// Strong passwords for crypt remotes, generated with the platform's CSPRNG (Node 22 and browsers
// both expose globalThis.crypto), so the window can show them to the user before they are saved.

// shared/ has no DOM or Node types: describe the one Web Crypto call we use.
const webCrypto = (globalThis as unknown as { crypto: { getRandomValues(array: Uint8Array): Uint8Array } }).crypto;

const WORDS_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

// A random password of `groups` groups of 6 unambiguous characters (about 34 bits per group).
export function generatePassword(groups = 6): string {
  const out: string[] = [];
  const bytes = new Uint8Array(groups * 6 * 2);
  webCrypto.getRandomValues(bytes);
  let i = 0;
  for (let g = 0; g < groups; g += 1) {
    let group = '';
    while (group.length < 6) {
      if (i >= bytes.length) {
        webCrypto.getRandomValues(bytes);
        i = 0;
      }
      const b = bytes[i++] ?? 0;
      // Rejection sampling keeps every character equally likely.
      if (b >= Math.floor(256 / WORDS_ALPHABET.length) * WORDS_ALPHABET.length) continue;
      group += WORDS_ALPHABET[b % WORDS_ALPHABET.length];
    }
    out.push(group);
  }
  return out.join('-');
}

// Plain-words weakness of a user-chosen crypt password, or undefined when it is strong enough.
export function passwordWeakness(password: string): string | undefined {
  if (password.length < 12) return 'Use at least 12 characters (or let Reprise generate one).';
  if (new Set(password).size < 6) return 'Use more different characters.';
  return undefined;
}

// The warning the crypt wizard shows before it saves anything.
export const CRYPT_WARNING =
  'Reprise cannot recover these passwords. If you lose them, the encrypted backup cannot be read by anyone — including you. Write them down or keep them in a password manager before you continue.';

// Where the private key of a key pair is written: `<keyDir>/<file name>.pem`. AWS allows almost
// any character in a key name (`/`, `..`, spaces, non-ASCII); a blueprint is often someone else's
// file, so the file name is derived from the key name and can never leave the key directory:
// every character other than letters, digits, `.`, `_` and `-` becomes `_`, leading dots become
// `_` (no hidden file, no `..`), and the name is cut to 200 characters. Names made only of those
// characters (the usual ones) keep their name: `key-wp-RHEL` → `key-wp-RHEL.pem`.
import { join } from 'node:path';

export function keyFileName(keyName: string): string {
  const safe = keyName
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/^\.+/, (dots) => '_'.repeat(dots.length))
    .slice(0, 200);
  return `${safe || '_'}.pem`;
}

/** The key file of `keyName` inside `keyDir` (already expanded). */
export function keyFileIn(keyDir: string, keyName: string): string {
  return join(keyDir, keyFileName(keyName));
}

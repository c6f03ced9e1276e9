import { ConfigurationError } from '../errors';

/** Levenshtein distance: the fewest one-character edits that turn `a` into `b`. */
function distance(a: string, b: string): number {
  let row = [...Array(b.length + 1).keys()];
  for (let i = 0; i < a.length; i++) {
    const next = [i + 1];
    for (let j = 0; j < b.length; j++) {
      const [replace = 0, remove = 0] = row.slice(j);
      next.push(Math.min(remove + 1, (next[j] ?? 0) + 1, replace + +(a[i] !== b[j])));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/**
 * Refuses an option key that `known` does not list, so that a typo (`host` for `hosts`) fails at
 * once instead of being ignored. Suggests the closest known key when it is at most two edits
 * away, ignoring case (so `Region` and `host` find `region` and `hosts`), and fewer edits than
 * the key is long.
 *
 * Shared by every entry that takes options, the emulators included: it imports only the error
 * class, and stays small, since the core bundle has a size budget.
 *
 * @param options - the options as given; its own enumerable keys are checked.
 * @param known - every key the entry accepts.
 * @param where - how the message names the entry, such as `apigSigner(options)`.
 * @throws ConfigurationError `ERR_CONFIGURATION` naming the first unknown key.
 */
export function assertKnownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(Object(options) as object)) {
    if (known.includes(key)) continue;
    let near = '';
    let best = Math.min(3, key.length);
    for (const name of known) {
      const d = distance(key.toLowerCase(), name.toLowerCase());
      if (d < best) [near, best] = [name, d];
    }
    throw new ConfigurationError(
      'ERR_CONFIGURATION',
      `${where}: unknown option \`${key}\`${near && ` (did you mean \`${near}\`?)`}: the options are ${known.join(', ')}.`,
    );
  }
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

/**
 * `apig-signer/testing` is the independent judge of the signer: it must not import it (nor the
 * axios face, credentials or Cognito client), or a bug shared by both would pass unseen.
 */
const ROOT = resolve(__dirname, '..', '..');
const TESTING = join(ROOT, 'lib', 'testing');
const KNOWN_KEYS = join(ROOT, 'lib', 'options', 'knownKeys');
/** The error classes, and the option-key check every public entry shares (it imports errors only). */
const ALLOWED_OUTSIDE = [join(ROOT, 'lib', 'errors'), KNOWN_KEYS];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('lib/testing', () => {
  it('is scanned: its entry point re-exports from its modules', () => {
    const index = readFileSync(join(TESTING, 'index.ts'), 'utf8');
    expect([...index.matchAll(/from\s+'([^']+)'/g)].length).toBeGreaterThan(1);
  });

  it.each(files(TESTING).map((file) => [relative(ROOT, file), file]))(
    '%s imports only node built-ins, lib/testing itself, lib/errors and lib/options/knownKeys',
    (_name, file) => {
      const source = readFileSync(file, 'utf8');
      const specifiers = [
        ...source.matchAll(/^\s*(?:import|export)[^'";]*?from\s+'([^']+)'/gm),
      ].map((m) => m[1]!);
      for (const specifier of specifiers) {
        if (specifier.startsWith('node:')) continue;
        expect(specifier.startsWith('.')).toBe(true);
        const target = resolve(dirname(file), specifier);
        const inside = target.startsWith(`${TESTING}/`) || target === TESTING;
        expect({ specifier, allowed: inside || ALLOWED_OUTSIDE.includes(target) }).toEqual({
          specifier,
          allowed: true,
        });
      }
    },
  );

  it('shares lib/options/knownKeys, which imports nothing but lib/errors', () => {
    const source = readFileSync(`${KNOWN_KEYS}.ts`, 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)[^'";]*?from\s+'([^']+)'/gm)];
    expect(specifiers.map((m) => resolve(dirname(KNOWN_KEYS), m[1]!))).toEqual([
      join(ROOT, 'lib', 'errors'),
    ]);
  });
});

